"""Route 53 zones as rows: record count, mail authentication (SPF, DKIM, DMARC) and dangling records,
those that point at an S3 website, CloudFront distribution or Elastic Beanstalk name that is not there."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory.reading import GLOBAL, attempt, entry, slug
from firstmate.domain.snapshot import InfraService

_S3_WEBSITE = re.compile(r"^(?:(?P<bucket>.+)\.)?s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")
_CLOUDFRONT = re.compile(r"^[a-z0-9]+\.cloudfront\.net$")
#: Only the old `<prefix>.<region>.elasticbeanstalk.com` names can be claimed again by someone else.
_BEANSTALK = re.compile(r"^[a-z0-9-]+\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.elasticbeanstalk\.com$")


@dataclass
class Dns:
    """TXT records of every public zone read, by name, to answer SPF and DMARC for any domain in them."""

    zones: list[str] = field(default_factory=list)
    txt: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def covers(self, domain: str) -> str | None:
        """The longest zone read that holds `domain`, or None."""
        inside = [z for z in self.zones if domain == z or domain.endswith("." + z)]
        return max(inside, key=len) if inside else None

    def spf(self, domain: str) -> bool | None:
        """Whether `domain` publishes SPF; None when no zone read holds it."""
        if self.covers(domain) is None:
            return None
        return any(v.lower().startswith("v=spf1") for v in self.txt.get(domain, []))

    def dmarc(self, domain: str) -> bool | None:
        """Whether `domain` (or its zone apex) publishes DMARC; None when no zone read holds it."""
        zone = self.covers(domain)
        if zone is None:
            return None
        names = (f"_dmarc.{domain}", f"_dmarc.{zone}")  # receivers fall back to the organisational domain
        return any(v.lower().startswith("v=dmarc1") for n in names for v in self.txt.get(n, []))


@dataclass
class Seen:
    """What exists in the account, to tell a record that points at nothing; None = could not be read."""

    notes: list[str]
    buckets: set[str] | None = None
    distributions: set[str] | None = None
    beanstalk: dict[str, set[str] | None] = field(default_factory=dict)

    def dangling(self, record: Mapping[str, Any]) -> str | None:
        """ "CNAME → target (why)" when the record's target is one of ours that does not exist."""
        name = record["Name"].rstrip(".").lower()
        alias = (record.get("AliasTarget") or {}).get("DNSName")
        values = [v["Value"] for v in record.get("ResourceRecords", [])] if record["Type"] == "CNAME" else []
        for raw in [alias] if alias else values:
            target = raw.rstrip(".").lower()
            why = self._missing(name, target)
            if why:
                return f"{'alias' if alias else 'CNAME'} → {target} ({why})"
        return None

    def _missing(self, name: str, target: str) -> str:
        website = _S3_WEBSITE.match(target)
        if website and self.buckets is not None:
            bucket = website["bucket"] or name  # an alias to a website endpoint serves the bucket named like the record
            return "" if bucket in self.buckets else f"no S3 bucket {bucket} in this account"
        if _CLOUDFRONT.match(target) and self.distributions is not None:
            return "" if target in self.distributions else "no CloudFront distribution with that domain in this account"
        beanstalk = _BEANSTALK.match(target)
        if beanstalk:
            known = self._environments(beanstalk["region"])
            return "" if known is None or target in known else "no Elastic Beanstalk environment of that name here"
        return ""

    def _environments(self, region: str) -> set[str] | None:
        if region not in self.beanstalk:
            self.beanstalk[region] = attempt(
                self.notes, f"Elastic Beanstalk in {region}", partial(_beanstalk_names, region)
            )
        return self.beanstalk[region]


def _beanstalk_names(region: str) -> set[str]:
    environments = client("elasticbeanstalk", region).describe_environments(IncludeDeleted=False)
    return {str(e.get("CNAME", "")).lower() for e in environments.get("Environments", [])}


def hosted_zones(seen: Seen, dns: Dns, ses_domains: set[str]) -> list[InfraService]:
    """Every hosted zone, one row each; fills `dns` with the TXT records of the public ones."""
    r53 = client("route53", GLOBAL)
    zones = [z for page in r53.get_paginator("list_hosted_zones").paginate() for z in page.get("HostedZones", [])]
    records = {z["Id"]: _records(r53, z["Id"]) for z in zones}
    for zone in zones:
        if not (zone.get("Config") or {}).get("PrivateZone"):
            dns.zones.append(zone["Name"].rstrip(".").lower())
            for record in (r for r in records[zone["Id"]] if r["Type"] == "TXT"):
                dns.txt[record["Name"].rstrip(".").lower()] += _txt_values(record)
    return [_zone(zone, records[zone["Id"]], seen, dns, ses_domains) for zone in zones]


def _records(r53: Any, zone_id: str) -> list[dict[str, Any]]:
    pages = r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
    return [record for page in pages for record in page.get("ResourceRecordSets", [])]


def _txt_values(record: Mapping[str, Any]) -> list[str]:
    """A TXT record's strings, each long one's quoted parts joined again."""
    values = [v["Value"] for v in record.get("ResourceRecords", [])]
    return ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', v)) or v for v in values]


def _zone(zone: Mapping[str, Any], records: list[dict[str, Any]], seen: Seen, dns: Dns, ses: set[str]) -> InfraService:
    apex = zone["Name"].rstrip(".").lower()
    private = bool((zone.get("Config") or {}).get("PrivateZone"))
    names = {(r["Type"], r["Name"].rstrip(".").lower()) for r in records}
    dkim = any(kind in {"TXT", "CNAME"} and name.endswith(f"._domainkey.{apex}") for kind, name in names)
    sends = not private and (("MX", apex) in names or bool(dns.spf(apex)) or apex in ses)
    dangling = [(r["Name"].rstrip("."), why) for r in records if (why := seen.dangling(r))]
    entries = [
        entry("records", len(records)),
        entry("private", "yes" if private else "no"),
        *(entry(f"dangling {name}"[:120], why) for name, why in dangling),
    ]
    return InfraService(
        id=slug("zone", apex),
        name=f"{apex} (Route 53 zone)",
        kind="domain",
        # an SES row carries the mail checks of a domain SES sends for: each gap is reported once
        sending_domain=apex if sends and apex not in ses else "",
        spf=None if private else dns.spf(apex),
        dkim=dkim if sends and apex not in ses else None,
        dmarc=None if private else dns.dmarc(apex),
        config=tuple(entries),
    )
