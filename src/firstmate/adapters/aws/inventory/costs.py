"""Last month's AWS bill as rows, one per billed service (Cost Explorer)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory.reading import GLOBAL, entry, slug
from firstmate.domain.snapshot import InfraService

_CENT = Decimal("0.01")


def cost_rows(today: date) -> list[InfraService]:
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
        id=slug("aws", short),
        name=f"{service} (AWS bill)"[:120],
        kind="other",
        monthly_cost=amount,
        currency=unit,  # AWS bills in USD: never the org's money unless that is USD too
        config=(entry("month", month), entry("source", "Cost Explorer, unblended")),
    )
