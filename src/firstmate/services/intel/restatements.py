"""Late attribution: the latest figures of every ad-set week are kept (`remember_figures`), and what changed
in the previous week since is said in the report (`restated_since_last_week`)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from firstmate.domain.intel import cash
from firstmate.domain.marketing import AdWeek
from firstmate.ports import MAX_TRANSACTION_WRITES, Item, Put, Store, Write
from firstmate.services.intel.run_records import intel_pk
from firstmate.services.paging import all_items


def _restatements(store: Store, org: str, week: date, rows: list[AdWeek], currency: str) -> list[str]:
    """What changed in the previous week since it was last pulled (late attribution). Only the ad
    accounts pulled both times, from the same source, are compared: figures that changed because the
    source did (Meta, then the CSV files) or an account came or went were not restated."""
    previous = week - timedelta(weeks=1)
    items = all_items(store, f"ORG#{org}#METRICS", f"{previous.isoformat()}#")
    before = [(tuple(i.sk.split("#")[1:3]), i.data) for i in items]  # sk: week#source#account#adset
    was = {pulled for pulled, _ in before}
    now = [r for r in rows if r.week_start == previous and (r.source, r.account) in was]
    both = {(r.source, r.account) for r in now}
    stored = [data for pulled, data in before if pulled in both]
    if not stored:
        return []
    now_leads = sum(r.leads for r in now)
    now_spend = sum((r.spend for r in now), Decimal(0))
    was_leads = sum(int(d["leads"]) for d in stored)
    was_spend = sum((Decimal(d["spend"]) for d in stored), Decimal(0))
    notes = []
    if was_leads != now_leads:
        notes.append(f"leads {was_leads} → {now_leads}")
    if abs(was_spend - now_spend) >= Decimal("0.01"):
        notes.append(f"spend {cash(was_spend, currency)} → {cash(now_spend, currency)}")
    return notes


def restated_since_last_week(store: Store, org: str, week: date, rows: list[AdWeek], currency: str) -> list[str]:
    """What late attribution changed in the previous week, as the week's earlier reports said it and
    anything this build finds besides (last, so the last word is the latest): a second build compares
    with the figures the first one stored, and alone would say "nothing restated" and lose its words.
    Kept for the week's later builds (`restated_writes`), once this build's report is stored."""
    found = _restatements(store, org, week, rows, currency)
    item = store.get(intel_pk(org), f"RESTATED#{week.isoformat()}")
    said = [str(line) for line in item.data["lines"]] if item is not None else []
    return [line for line in said if line not in found] + found


def restated_writes(org: str, week: date, lines: list[str]) -> list[Write]:
    """The write keeping what a stored report of `week` said was restated, for the week's later builds to say too
    (none when it said nothing was); stored with the report's run record."""
    return [Put(Item(intel_pk(org), f"RESTATED#{week.isoformat()}", {"lines": lines}))] if lines else []


def remember_figures(store: Store, org: str, rows: list[AdWeek]) -> None:
    """Keep the latest figures of every ad-set week (for restatements). Only figures that differ
    from the stored ones are written (a run pulls sixteen weeks; most have not changed since the
    last run), in transactions of at most MAX_TRANSACTION_WRITES. Idempotent."""
    pk = f"ORG#{org}#METRICS"
    wanted = _ad_set_weeks(rows)
    weeks = sorted({r.week_start.isoformat() for r in rows})
    stored = {item.sk: item.data for week in weeks for item in all_items(store, pk, f"{week}#", page_size=1000)}
    writes = [Put(Item(pk, sk, data)) for sk, data in wanted.items() if stored.get(sk) != data]
    for start in range(0, len(writes), MAX_TRANSACTION_WRITES):
        store.transact(writes[start : start + MAX_TRANSACTION_WRITES])


def _ad_set_weeks(rows: list[AdWeek]) -> dict[str, dict[str, Any]]:
    """Each ad-set week's figures by its metrics key, its rows added up: a CSV file may split a week
    over rows, and keeping the last one alone read as a restatement against the week's sum."""
    totals: dict[str, tuple[int, Decimal, int, int]] = {}
    for r in rows:
        key = f"{r.week_start.isoformat()}#{r.source}#{r.account}#{r.adset_id}"
        leads, spend, impressions, clicks = totals.get(key, (0, Decimal(0), 0, 0))
        totals[key] = (leads + r.leads, spend + r.spend, impressions + r.impressions, clicks + r.clicks)
    return {
        key: {"leads": leads, "spend": str(spend), "impressions": impressions, "clicks": clicks}
        for key, (leads, spend, impressions, clicks) in totals.items()
    }
