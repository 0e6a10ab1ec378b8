"""A read-only look at one AWS account as rows of the data folder's infrastructure.yaml, for the CTO lens.

Only list, get and describe calls. Lambda hands back environment variables with their values: each value
is looked at once, in memory, to tell set from empty and whether it is shaped like a secret, then dropped.
No value reaches a row, a note or the summary. A service that refuses or cannot be reached becomes a note.
Lambda, SES and Elastic Beanstalk are read in one region; S3, CloudFront, Route 53 and Cost Explorer are
account-wide.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, TypeVar

import yaml
from botocore.exceptions import BotoCoreError, ClientError

from firstmate.adapters.aws.clients import client, error_code
from firstmate.domain.redaction import ConfigEntry, secret_name, secret_shape
from firstmate.domain.reports.cto_checks import WARN_AHEAD, end_of_support
from firstmate.domain.snapshot import InfraService

GLOBAL = "us-east-1"  # S3's bucket list, CloudFront, Route 53 and Cost Explorer answer here
#: CloudFront security policies that still accept SSLv3, TLS 1.0 or TLS 1.1.
WEAK_TLS = frozenset({"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"})
_PUBLIC_BLOCK = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_S3_WEBSITE = re.compile(r"^(?:(?P<bucket>.+)\.)?s3-website[.-][a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")
_CLOUDFRONT = re.compile(r"^[a-z0-9]+\.cloudfront\.net$")
#: Only the old `<prefix>.<region>.elasticbeanstalk.com` names can be claimed again by someone else.
_BEANSTALK = re.compile(r"^[a-z0-9-]+\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.elasticbeanstalk\.com$")
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
_CENT = Decimal("0.01")
T = TypeVar("T")


@dataclass
class Inventory:
    """What was collected: one infrastructure.yaml row per resource, and notes on what could not be read."""

    account: str
    region: str
    services: list[InfraService] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """The rows as infrastructure.yaml holds them (fields left at their default are omitted)."""
        rows = []
        for service in self.services:
            row = service.model_dump(mode="json", exclude_defaults=True)
            if "monthly_cost" in row:
                row["monthly_cost"] = service.monthly_cost
            rows.append(row)
        return rows

    def counts(self) -> str:
        """ "2 functions, 1 bucket, …" for the summary line."""
        kinds = (("function", "function"), ("storage", "bucket"), ("cdn", "distribution"), ("domain", "zone"),
                 ("email", "sending domain"), ("other", "billed service"))  # fmt: skip
        numbers = [(sum(1 for s in self.services if s.kind == kind), word) for kind, word in kinds]
        return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in numbers)


def collect_inventory(region: str, today: date, *, used_by: Sequence[str] = (), costs: bool = True) -> Inventory:
    """Read the account behind the standard credentials chain: Lambda functions and SES identities in
    `region`, every S3 bucket, CloudFront distribution and Route 53 zone, and last month's bill per
    service when `costs`. Every row gets `used_by`. Never raises for an AWS refusal: it becomes a note."""
    notes: list[str] = []
    account = _attempt(notes, "account", partial(_account, region)) or ""
    seen = _Seen(notes)
    functions = _attempt(notes, "Lambda functions", partial(_functions, region)) or []
    listed = _attempt(notes, "S3 buckets", partial(_buckets, notes, account))
    buckets, seen.buckets = listed if listed is not None else ([], None)
    found = _attempt(notes, "CloudFront", _distributions)
    distributions, seen.distributions = found if found is not None else ([], None)
    identities = _attempt(notes, "SES identities", partial(_ses_identities, region)) or {}
    dns = _Dns()
    zones = _attempt(notes, "Route 53", partial(_zones, seen, dns, set(identities))) or []
    senders = [_sender(domain, ids, dns, region) for domain, ids in sorted(identities.items())]
    bill = (_attempt(notes, "Cost Explorer", partial(_cost_rows, today)) or []) if costs else []
    if not costs:
        notes.append("costs: not asked (--no-costs); monthly_cost stays 0")
    services = _finish([*functions, *buckets, *distributions, *zones, *senders, *bill], used_by)
    return Inventory(account or "unknown", region, services, notes)


def findings(inventory: Inventory, today: date) -> list[str]:
    """The findings that matter, one line each: runtimes near or past end of support, public buckets,
    weak TLS, mail authentication gaps, dangling DNS records, secret-looking environment variable names."""
    found: list[str] = []
    for s in inventory.services:
        eol = end_of_support(s)
        if eol is not None and eol - today <= WARN_AHEAD:
            found.append(f"runtime: {s.name} runs {s.runtime}, support {'ended' if eol <= today else 'ends'} {eol}")
        if s.public:
            found.append(f"public bucket: {s.name}: public access block {_value(s, 'public_access_block')}")
        if s.kind == "cdn" and s.tls is False:
            found.append(f"weak TLS: {s.name}: {_value(s, 'tls_issue')}")
        gaps = [label for label, ok in (("SPF", s.spf), ("DKIM", s.dkim), ("DMARC", s.dmarc)) if ok is False]
        if s.sending_domain and gaps:
            found.append(f"mail: {s.name}: {s.sending_domain} has no {', '.join(gaps)}")
        found += [f"dangling record: {e.name.removeprefix('dangling ')}: {e.value}" for e in _dangling_entries(s)]
        secrets = [e.name for e in s.config if e.secret and e.is_set]
        if secrets:
            found.append(f"secret-looking environment variables: {s.name}: {', '.join(secrets)}")
    return found


def credentials_found() -> bool:
    """Whether the standard credentials chain yields credentials at all (no AWS call is made)."""
    import boto3

    return boto3.session.Session().get_credentials() is not None


def inventory_yaml(inventory: Inventory, today: date) -> str:
    """infrastructure.yaml text: a header saying where and when it was collected, then the rows."""
    where = f"AWS account {inventory.account}" if inventory.account != "unknown" else "AWS"
    header = [
        f"Collected from {where} on {today} by 'firstmate aws inventory' (Lambda and SES in {inventory.region};",
        "S3, CloudFront, Route 53 and costs account-wide). Read-only: only list, get and describe calls were made.",
        "Environment variable values were not read into this file: each variable keeps its name, whether it is",
        "set, and whether it looks secret. Other config entries are settings, never secrets.",
        "monthly_cost: resource rows stay 0; the aws-* rows carry last month's bill per AWS service.",
        "used_by: name the business lines or assets each service serves (or pass --used-by): the CTO",
        "report suggests cancelling a paid service that nothing uses.",
        *(["Not collected:"] + [f"  - {note}" for note in inventory.notes] if inventory.notes else []),
    ]
    body = yaml.dump(inventory.rows(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=240,
                     default_flow_style=None)  # fmt: skip
    return "".join(f"# {line}\n" for line in header) + body


# --- reading, and turning refusals into notes ----------------------------------------------------------


def _attempt(notes: list[str], what: str, call: Callable[[], T]) -> T | None:
    """`call()`, or None and a note saying why `what` could not be read."""
    try:
        return call()
    except (ClientError, BotoCoreError) as exc:
        notes.append(f"{what}: {_reason(exc)}")
        return None


def _account(region: str) -> str:
    return str(client("sts", region).get_caller_identity()["Account"])


def _reason(exc: BaseException) -> str:
    # the code only: an AWS message may quote a request, and nothing read must leak through a note
    code = error_code(exc)
    if code in _DENIED:
        return f"access denied ({code}); grant the read-only permissions listed in docs/deploy-aws.md"
    return f"AWS answered {code}" if code else f"not reachable ({type(exc).__name__})"


def _entry(name: str, value: object) -> ConfigEntry:
    """A plain setting firstmate itself describes (never a secret): empty means missing."""
    text = "" if value is None else str(value)
    return ConfigEntry(name=name, is_set=bool(text), secret=False, value=text[:300] or None)


def _slug(prefix: str, text: str) -> str:
    body = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"
    return f"{prefix}-{body}"[:40].rstrip("-")


def _finish(services: list[InfraService], used_by: Sequence[str]) -> list[InfraService]:
    """Distinct ids (a slug can repeat: my_fn and my-fn) and `used_by` on every row, validated again."""
    taken: set[str] = set()
    done = []
    for service in services:
        key, n = service.id, 1
        while key in taken:
            n += 1
            key = f"{service.id[: 40 - len(str(n)) - 1]}-{n}"
        taken.add(key)
        done.append(InfraService.model_validate({**service.model_dump(), "id": key, "used_by": tuple(used_by)}))
    return done


def _value(service: InfraService, name: str) -> str:
    return next((e.value or e.state for e in service.config if e.name == name), "unknown")


def _dangling_entries(service: InfraService) -> list[ConfigEntry]:
    return [e for e in service.config if e.name.startswith("dangling ")]


# --- Lambda --------------------------------------------------------------------------------------------


def _functions(region: str) -> list[InfraService]:
    pages = client("lambda", region).get_paginator("list_functions").paginate()
    return [_function(fn, region) for page in pages for fn in page.get("Functions", [])]


def _function(fn: Mapping[str, Any], region: str) -> InfraService:
    environment = fn.get("Environment") or {}
    entries = [
        _entry("memory_mb", fn.get("MemorySize")),
        _entry("timeout_s", fn.get("Timeout")),
        _entry("architecture", ", ".join(fn.get("Architectures") or [])),
        _entry("package_type", fn.get("PackageType", "Zip")),
        *_environment_entries(environment.get("Variables") or {}),
    ]
    if environment.get("Error"):
        entries.append(_entry("environment_error", "Lambda could not decrypt the environment"))
    return InfraService(
        id=_slug("lambda", fn["FunctionName"]),
        name=f"{fn['FunctionName']} (Lambda, {region})",
        kind="function",
        runtime=fn.get("Runtime", ""),
        version=_code_version(fn.get("CodeSha256", "")),
        tls=True,  # Lambda's invoke API and function URLs answer over HTTPS only
        config=tuple(entries),
    )


def _environment_entries(variables: Mapping[str, str]) -> list[ConfigEntry]:
    """Names only: set or empty, and secret by name or by the shape of the value. The value is not kept."""
    return [
        ConfigEntry(name=name[:120], is_set=bool(value.strip()), secret=secret_name(name) or secret_shape(value))
        for name, value in sorted(variables.items())
    ]


def _code_version(code_sha256: str) -> str:
    """A deployed package never changes under the function: its hash is the version that is pinned."""
    try:
        return "sha256:" + base64.b64decode(code_sha256, validate=True).hex()[:12] if code_sha256 else ""
    except (binascii.Error, ValueError):
        return ""


# --- S3 ------------------------------------------------------------------------------------------------


def _buckets(notes: list[str], account: str) -> tuple[list[InfraService], set[str]]:
    s3 = client("s3", GLOBAL)
    names = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
    account_block: list[bool | None] = []

    def account_blocked() -> bool | None:  # read once, and only if a bucket lacks its own block
        if not account_block:
            account_block.append(
                _attempt(notes, "S3 account-level public access block", partial(_account_block, account))
            )
        return account_block[0]

    rows = [
        _attempt(notes, f"S3 bucket {name}", partial(_bucket, s3, name, account_blocked))
        or InfraService(id=_slug("s3", name), name=name, kind="storage")
        for name in names
    ]
    return rows, set(names)


def _bucket(s3: Any, name: str, account_blocked: Callable[[], bool | None]) -> InfraService:
    block = _s3_get(s3, "get_public_access_block", name, "NoSuchPublicAccessBlockConfiguration")
    flags = (block or {}).get("PublicAccessBlockConfiguration", {})
    missing = [flag for flag in _PUBLIC_BLOCK if not flags.get(flag)]
    blocked_by_account = bool(missing) and account_blocked() is True
    encryption = _s3_get(s3, "get_bucket_encryption", name, "ServerSideEncryptionConfigurationNotFoundError")
    rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    lifecycle = _s3_get(s3, "get_bucket_lifecycle_configuration", name, "NoSuchLifecycleConfiguration")
    enabled = [r for r in (lifecycle or {}).get("Rules", []) if r.get("Status") == "Enabled"]
    location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
    block_text = "full" if not missing else ("account-wide" if blocked_by_account else _partial(missing))
    return InfraService(
        id=_slug("s3", name),
        name=name,
        kind="storage",
        public=bool(missing) and not blocked_by_account,
        config=(
            _entry("public_access_block", block_text),
            _entry(
                "encryption",
                ", ".join(r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm", "") for r in rules),
            ),
            _entry("lifecycle", f"{len(enabled)} rule{'' if len(enabled) == 1 else 's'}" if enabled else ""),
            _entry("region", location),
        ),
    )


def _partial(missing: list[str]) -> str:
    return "none" if len(missing) == len(_PUBLIC_BLOCK) else "partial, missing " + ", ".join(missing)


def _s3_get(s3: Any, operation: str, bucket: str, not_configured: str) -> dict[str, Any] | None:
    """The answer, or None when the bucket simply has no such configuration."""
    try:
        return dict(getattr(s3, operation)(Bucket=bucket))
    except ClientError as exc:
        if error_code(exc) == not_configured:
            return None
        raise


def _account_block(account: str) -> bool:
    try:
        answer = client("s3control", GLOBAL).get_public_access_block(AccountId=account)
    except ClientError as exc:
        if error_code(exc) == "NoSuchPublicAccessBlockConfiguration":
            return False
        raise
    return all(answer.get("PublicAccessBlockConfiguration", {}).get(flag) for flag in _PUBLIC_BLOCK)


# --- CloudFront ----------------------------------------------------------------------------------------


def _distributions() -> tuple[list[InfraService], set[str]]:
    cf = client("cloudfront", GLOBAL)
    rows, domains = [], set()
    for page in cf.get_paginator("list_distributions").paginate():
        for summary in page.get("DistributionList", {}).get("Items") or []:
            config = cf.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
            rows.append(_distribution(summary, config))
            domains.add(summary["DomainName"].lower().rstrip("."))
    return rows, domains


def _distribution(summary: Mapping[str, Any], config: Mapping[str, Any]) -> InfraService:
    aliases = (config.get("Aliases") or {}).get("Items") or []
    cert = config.get("ViewerCertificate") or {}
    custom = "ACM" if cert.get("ACMCertificateArn") else ("IAM" if cert.get("IAMCertificateId") else "")
    issue = _tls_issue(config, custom)
    entries = [
        _entry("domain", summary["DomainName"]),
        _entry("aliases", ", ".join(aliases)),
        _entry("certificate", custom or "CloudFront default (*.cloudfront.net, TLSv1 fixed by AWS)"),
        _entry("minimum_tls", cert.get("MinimumProtocolVersion")),
        _entry("viewer_protocol", (config.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy")),
        _entry("default_root_object", config.get("DefaultRootObject")),
        _entry("enabled", "yes" if config.get("Enabled") else "no"),
        *([_entry("tls_issue", issue)] if issue else []),
    ]
    name = aliases[0] if aliases else summary["DomainName"]
    return InfraService(id=_slug("cloudfront", summary["Id"]), name=f"{name} (CloudFront)", kind="cdn",
                        tls=not issue, config=tuple(entries))  # fmt: skip


def _tls_issue(config: Mapping[str, Any], custom: str) -> str:
    """Why viewers may reach the distribution without good TLS ("" when they cannot). On the default
    certificate AWS fixes the policy at TLSv1: only a custom certificate's policy is the owner's choice."""
    cert = config.get("ViewerCertificate")
    if not cert:
        return "no viewer certificate"
    if (config.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy") == "allow-all":
        return "plain HTTP allowed (viewer protocol allow-all)"
    policy = cert.get("MinimumProtocolVersion", "")
    return f"minimum protocol {policy}" if custom and policy in WEAK_TLS else ""


# --- Route 53 ------------------------------------------------------------------------------------------


@dataclass
class _Dns:
    """TXT records of every public zone read, by name, to answer SPF and DMARC for any domain in them."""

    zones: list[str] = field(default_factory=list)
    txt: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def covers(self, domain: str) -> str | None:
        inside = [z for z in self.zones if domain == z or domain.endswith("." + z)]
        return max(inside, key=len) if inside else None

    def spf(self, domain: str) -> bool | None:
        if self.covers(domain) is None:
            return None
        return any(v.lower().startswith("v=spf1") for v in self.txt.get(domain, []))

    def dmarc(self, domain: str) -> bool | None:
        zone = self.covers(domain)
        if zone is None:
            return None
        names = (f"_dmarc.{domain}", f"_dmarc.{zone}")  # receivers fall back to the organisational domain
        return any(v.lower().startswith("v=dmarc1") for n in names for v in self.txt.get(n, []))


@dataclass
class _Seen:
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
            self.beanstalk[region] = _attempt(
                self.notes, f"Elastic Beanstalk in {region}", partial(_beanstalk_names, region)
            )
        return self.beanstalk[region]


def _beanstalk_names(region: str) -> set[str]:
    environments = client("elasticbeanstalk", region).describe_environments(IncludeDeleted=False)
    return {str(e.get("CNAME", "")).lower() for e in environments.get("Environments", [])}


def _zones(seen: _Seen, dns: _Dns, ses_domains: set[str]) -> list[InfraService]:
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


def _zone(
    zone: Mapping[str, Any], records: list[dict[str, Any]], seen: _Seen, dns: _Dns, ses: set[str]
) -> InfraService:
    apex = zone["Name"].rstrip(".").lower()
    private = bool((zone.get("Config") or {}).get("PrivateZone"))
    names = {(r["Type"], r["Name"].rstrip(".").lower()) for r in records}
    dkim = any(kind in {"TXT", "CNAME"} and name.endswith(f"._domainkey.{apex}") for kind, name in names)
    sends = not private and (("MX", apex) in names or bool(dns.spf(apex)) or apex in ses)
    dangling = [(r["Name"].rstrip("."), why) for r in records if (why := seen.dangling(r))]
    entries = [
        _entry("records", len(records)),
        _entry("private", "yes" if private else "no"),
        *(_entry(f"dangling {name}"[:120], why) for name, why in dangling),
    ]
    return InfraService(
        id=_slug("zone", apex),
        name=f"{apex} (Route 53 zone)",
        kind="domain",
        # an SES row carries the mail checks of a domain SES sends for: each gap is reported once
        sending_domain=apex if sends and apex not in ses else "",
        spf=None if private else dns.spf(apex),
        dkim=dkim if sends and apex not in ses else None,
        dmarc=None if private else dns.dmarc(apex),
        config=tuple(entries),
    )


# --- SES -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Identity:
    name: str
    verification: str
    dkim_status: str
    signing: bool


def _ses_identities(region: str) -> dict[str, list[_Identity]]:
    ses = client("sesv2", region)
    found: dict[str, list[_Identity]] = defaultdict(list)
    token = ""
    while True:
        page = ses.list_email_identities(**({"NextToken": token} if token else {}))
        for item in page.get("EmailIdentities", []):
            detail = ses.get_email_identity(EmailIdentity=item["IdentityName"])
            dkim = detail.get("DkimAttributes") or {}
            status = str(dkim.get("Status", "NOT_STARTED"))
            identity = _Identity(item["IdentityName"], str(detail.get("VerificationStatus", "unknown")), status,
                                 status == "SUCCESS" and bool(dkim.get("SigningEnabled")))  # fmt: skip
            found[identity.name.rpartition("@")[2].lower()].append(identity)
        token = page.get("NextToken") or ""
        if not token:
            return dict(found)


def _sender(domain: str, identities: list[_Identity], dns: _Dns, region: str) -> InfraService:
    entries = tuple(_entry(f"identity {i.name}"[:120], f"{i.verification}; DKIM {i.dkim_status}") for i in identities)
    return InfraService(id=_slug("ses", domain), name=f"{domain} (SES, {region})", kind="email",
                        sending_domain=domain, spf=dns.spf(domain), dkim=any(i.signing for i in identities),
                        dmarc=dns.dmarc(domain), config=entries)  # fmt: skip


# --- Cost Explorer -------------------------------------------------------------------------------------


def _cost_rows(today: date) -> list[InfraService]:
    """Last full month's unblended cost per AWS service, one row each. Cost Explorer bills per service,
    not per function or bucket, so no share is guessed onto resource rows."""
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    ce = client("ce", GLOBAL)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    unit, token = "USD", ""
    while True:
        page = ce.get_cost_and_usage(
            TimePeriod={"Start": start.isoformat(), "End": end.isoformat()}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}],
            **({"NextPageToken": token} if token else {}),
        )  # fmt: skip
        for group in (g for result in page.get("ResultsByTime", []) for g in result.get("Groups", [])):
            metric = group["Metrics"]["UnblendedCost"]
            totals[group["Keys"][0]] += Decimal(metric["Amount"])
            unit = metric.get("Unit", unit)
        token = page.get("NextPageToken") or ""
        if not token:
            break
    month = f"{start:%Y-%m}"
    rounded = {service: amount.quantize(_CENT, ROUND_HALF_UP) for service, amount in totals.items()}
    return [_cost_row(service, amount, unit, month) for service, amount in sorted(rounded.items()) if amount > 0]


def _cost_row(service: str, amount: Decimal, unit: str, month: str) -> InfraService:
    short = re.sub(r"^(amazon|aws)\s+", "", service, flags=re.IGNORECASE)
    return InfraService(
        id=_slug("aws", short),
        name=f"{service} (AWS bill)"[:120],
        kind="other",
        monthly_cost=amount,
        config=(_entry("month", month), _entry("currency", unit), _entry("source", "Cost Explorer, unblended")),
    )


class _Dumper(yaml.SafeDumper):
    """Money as a plain number, as the template writes it (the reader turns it back into a Decimal)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))
