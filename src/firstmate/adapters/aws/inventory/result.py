"""What an inventory holds, the findings that matter in it, and its infrastructure.yaml text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from firstmate.domain.redaction import ConfigEntry
from firstmate.domain.reports.cto_checks import WARN_AHEAD
from firstmate.domain.reports.cto_runtimes import support
from firstmate.domain.snapshot import InfraService


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


def findings(inventory: Inventory, today: date) -> list[str]:
    """The findings that matter, one line each: runtimes near or past end of support, public buckets,
    weak TLS, mail authentication gaps, dangling DNS records, secret-looking environment variable names."""
    found: list[str] = []
    for s in inventory.services:
        dated = support(s)
        if dated is not None and dated.ends - today <= WARN_AHEAD:
            ended = "ended" if dated.ends <= today else "ends"
            found.append(
                f"runtime: {s.name} runs {s.runtime}, support {ended} {'' if dated.exact else 'by '}{dated.ends}"
            )
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


def inventory_yaml(inventory: Inventory, today: date) -> str:
    """infrastructure.yaml text: a header saying where and when it was collected, then the rows."""
    where = f"AWS account {inventory.account}" if inventory.account != "unknown" else "AWS"
    header = [
        f"Collected from {where} on {today} by 'firstmate aws inventory' (Lambda and SES in {inventory.region};",
        "S3, CloudFront, Route 53 and costs account-wide). Read-only: only list, get and describe calls were made.",
        "Environment variable values were not read into this file: each variable keeps its name, whether it is",
        "set, and whether it looks secret. Other config entries are settings, never secrets.",
        "monthly_cost: resource rows stay 0; the aws-* rows carry last month's bill per AWS service, in the",
        "currency AWS bills in (currency: USD), which the reports never add to money of another currency.",
        "used_by: name the business lines or assets each service serves (or pass --used-by): the CTO",
        "report suggests cancelling a paid service that nothing uses.",
        *(["Not collected:"] + [f"  - {note}" for note in inventory.notes] if inventory.notes else []),
    ]
    body = yaml.dump(inventory.rows(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=240,
                     default_flow_style=None)  # fmt: skip
    return "".join(f"# {line}\n" for line in header) + body


def _value(service: InfraService, name: str) -> str:
    return next((e.value or e.state for e in service.config if e.name == name), "unknown")


def _dangling_entries(service: InfraService) -> list[ConfigEntry]:
    return [e for e in service.config if e.name.startswith("dangling ")]


class _Dumper(yaml.SafeDumper):
    """Money as a plain number, as the template writes it (the reader turns it back into a Decimal)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))
