"""Runway: months of cash at the net burn, and its section."""

from __future__ import annotations

from decimal import Decimal

from firstmate.domain.reports.cfo.burn import Burn
from firstmate.domain.reports.cfo.findings import Part, cfo_finding
from firstmate.domain.reports.cfo.revenue import ZERO
from firstmate.domain.reports.cfo.text import months_text
from firstmate.domain.reports.document import Card, Section, Severity, Tone
from firstmate.domain.reports.format import money
from firstmate.domain.snapshot import Snapshot

RUNWAY_TARGET = Decimal(6)  # months of cash below which the runway card turns ALERT
RUNWAY_CRITICAL = Decimal(3)  # below this the runway finding is HIGH
STALE_CASH_DAYS = 31


def cash_dated_later(snapshot: Snapshot) -> str:
    """Why the report's day has no cash figure when business.yaml has one: it was counted later."""
    return f"the cash balance in business.yaml is dated {snapshot.cash_dated_later}, after {snapshot.as_of}"


def runway(balance: Decimal | None, b: Burn) -> tuple[Decimal, Decimal | None] | None:
    """Months of cash: (short end at the high burn, long end at the low burn or None when the low end
    is not burning); None when there is no cash figure or no net burn at the high end."""
    if balance is None or b.net_high <= 0:
        return None
    cash = max(balance, ZERO)  # an overdrawn account has no runway, not a negative one
    return cash / b.net_high, (cash / b.net_low if b.net_low > 0 else None)


def runway_text(months: tuple[Decimal, Decimal | None]) -> str:
    """(7.14, 8.3) → "7.1–8.3 months"; one figure when both ends agree; "at least" when unbounded."""
    short, long = months
    if long is None:
        return f"at least {months_text(short)} months"
    if months_text(short) == months_text(long):
        return f"{months_text(short)} months"
    return f"{months_text(short)}–{months_text(long)} months"


def runway_section(snapshot: Snapshot, b: Burn) -> Part:
    """The Runway section: cash and runway cards, and findings for a missing, stale or short cash balance."""
    cash, cur = snapshot.finance.cash, snapshot.currency
    method = (
        "Runway = cash balance (cash: in business.yaml, as of its own date; one dated after "
        f"{snapshot.as_of} says nothing of the cash then) / net monthly burn from the "
        "Monthly burn section; the short end uses the high burn, the long end the low burn. "
        f"ALERT below {RUNWAY_TARGET} months; the finding is HIGH below {RUNWAY_CRITICAL}."
    )
    if cash is None and snapshot.cash_dated_later is not None:
        summary = f"Cash on {snapshot.as_of} unknown: {cash_dated_later(snapshot)}; runway is not computed."
        return Section("Runway", summary, method=method), []
    if cash is None:
        detail = "Without a cash figure neither runway nor the capital tiers can be computed."
        finding = cfo_finding("cash:missing", "Record the cash balance in business.yaml", detail, Severity.LOW)
        return Section("Runway", "No cash balance: add cash: to business.yaml.", method=method), [finding]
    cash_card = Card("Cash", money(cash.balance, cur), note=f"as of {cash.as_of.isoformat()}", raw=cash.balance)
    bullets, findings = [], []
    age = (snapshot.as_of - cash.as_of).days
    if age > STALE_CASH_DAYS:
        bullets.append(f"The cash balance is {age} days old: update cash: in business.yaml.")
        detail = f"Cash is dated {cash.as_of.isoformat()}; runway and the capital tiers read from it."
        title = f"Update the cash balance in business.yaml ({age} days old)"
        findings.append(cfo_finding("cash:stale", title, detail, Severity.LOW))
    months = runway(cash.balance, b)
    if months is None:
        card = Card("Runway", "not burning cash", Tone.OK, "[OK]", "revenue covers burn")
        summary = "Not burning cash: revenue covers burn."
        return Section("Runway", summary, (cash_card, card), (), tuple(bullets), method), findings
    text, short = runway_text(months), months[0]
    alert = short < RUNWAY_TARGET
    tone, marker = (Tone.ALERT, "[ALERT]") if alert else (Tone.OK, "[OK]")
    card = Card("Runway", text, tone, marker, f"target ≥ {RUNWAY_TARGET} months", short)
    if alert:
        needed = RUNWAY_TARGET * b.net_high - cash.balance
        severity = Severity.HIGH if short < RUNWAY_CRITICAL else Severity.MEDIUM
        detail = (
            f"Cash {money(cash.balance, cur)} / net burn up to {money(b.net_high, cur)} a month = "
            f"{months_text(short)} months; {RUNWAY_TARGET} months needs {money(needed, cur)} more."
        )
        title = (
            f"Raise or save {money(needed, cur)} to reach {RUNWAY_TARGET} months of runway (now {months_text(short)})"
        )
        findings.append(cfo_finding("runway:org", title, detail, severity, at_stake=needed))
    return Section("Runway", f"{text} of runway.", (cash_card, card), (), tuple(bullets), method), findings
