"""The snapshot the lenses read: one org's business on one day, its latest marketing KPIs and its settings
through secret redaction. Building it only reads."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from firstmate.domain.redaction import ConfigEntry, redact_config
from firstmate.domain.reports.books import balances_beside_the_books, beside_the_books, books_on
from firstmate.domain.snapshot import Invoice, Marketing, MarketingKpi, RevenueLine, Snapshot
from firstmate.errors import BlobNotFound, ConfigError, NotFound
from firstmate.ports import Secrets
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.data import load_data
from firstmate.services.intel import list_runs
from firstmate.services.reports.revenue import booking_revenue, invoice_revenue, uncounted


def build_snapshot(ctx: Context, org: str, *, as_of: date | None = None, secrets: Secrets | None = None) -> Snapshot:
    """Everything the lenses read, for `org` on `as_of` (default: today in the org's zone). Only reads."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load the business profile first, e.g. with 'firstmate demo'")
    today = ctx.clock.now().astimezone(ZoneInfo(profile.org.timezone)).date()
    day = as_of or today
    data = load_data(ctx.store, org)
    finance = data["finance"][0] if data["finance"] else None
    currency = getattr(finance, "currency", "USD")
    lines = cast(list[RevenueLine], data["revenue"])
    # the bookings a refund of the report's books names (by external id or booking-<id>): a refund undoes them
    refunded = frozenset(r.reference for r in lines if r.amount < 0 and r.reference and r.recorded_on <= day)
    booked, other, cancelled = booking_revenue(
        ctx.store, org, profile.org.timezone, currency, as_of=day, refunded=refunded
    )
    own = [*booked, *(invoice_revenue(cast(Invoice, invoice)) for invoice in data["invoices"])]
    left_out, undoing_nothing = uncounted(org, lines, other, own, day)
    lines = [line for line in lines if line.id not in undoing_nothing]  # a refund of a sale no figure counts
    # a booking or an invoice that revenue.csv holds under its reference is counted once, as the books have it;
    # one they hold the deposit of alone, by its balance beside it
    revenue = [*lines, *beside_the_books(lines, own, day), *balances_beside_the_books(lines, own, day, cancelled)]
    fields: dict[str, Any] = {kind: tuple(rows) for kind, rows in data.items() if kind != "finance"}
    snapshot = Snapshot(
        org_id=org,
        org_name=profile.org.name,
        as_of=day,
        currency=currency,
        entities=profile.entities,
        assets=profile.assets,
        **{**fields, "revenue": tuple(sorted(revenue, key=lambda r: (r.service_date, r.id)))},
        **({"finance": finance} if finance is not None else {}),
        marketing=latest_marketing(ctx, org, day),
        config=settings_entries(ctx, secrets),
        left_out=left_out,
        read_on=today if day < today else None,  # a past day's: what the files do not date reads as today
    )
    # the books as they stood on the report's day, once for every lens alike (a line recorded after it was
    # left out by the accounting report, while the CFO's burn of the same month counted it)
    return books_on(snapshot)


def latest_marketing(ctx: Context, org: str, as_of: date) -> Marketing | None:
    """The KPIs of the newest weekly marketing report of a week that ended by `as_of`, if one was built."""
    # the newest week's latest run: the runs listed as made, an old week's backfill may come first
    for run in sorted(list_runs(ctx.store, org), key=lambda r: r["week"], reverse=True):
        if date.fromisoformat(run["week"]) + timedelta(days=6) > as_of:  # a report as of a day knows no later week
            continue
        try:
            data = json.loads(ctx.blobs.get(f"reports/{org}/weekly/{run['week']}/weekly.json"))
        except BlobNotFound:
            continue
        kpis = [
            MarketingKpi(
                key=k["key"], label=k["label"], value=None if k["value"] is None else str(k["value"]),
                unit=k["unit"], direction=k["signal"]["direction"], status=k["signal"]["status"],
                # the very float the weekly report printed, so both round it alike
                change=repr((k["value"] - k["previous"]) / abs(k["previous"]))
                if k["previous"] and k["value"] is not None else None,
                weeks=len(k.get("series") or ()),
            )
            for k in data["facts"]["kpis"]
        ]  # fmt: skip
        currency = data["facts"].get("currency", "USD")
        return Marketing(week=date.fromisoformat(run["week"]), kpis=tuple(kpis), currency=currency)
    return None


def settings_entries(ctx: Context, secrets: Secrets | None) -> tuple[ConfigEntry, ...]:
    """firstmate's settings and the secrets its configuration needs, through secret redaction."""
    values: dict[str, object] = {}
    for name, value in ctx.settings.model_dump().items():
        values[f"FIRSTMATE_{name.upper()}"] = value.get_secret_value() if isinstance(value, SecretStr) else value
    entries = list(redact_config(values))
    for name in ctx.settings.token_secrets:
        entries.append(ConfigEntry(name=name, is_set=_present(secrets, name), secret=True))
    return tuple(sorted(entries, key=lambda e: e.name))


def _present(secrets: Secrets | None, name: str) -> bool:
    if secrets is None:
        return False
    try:
        return bool(secrets.get(name))
    except ConfigError:
        return False
