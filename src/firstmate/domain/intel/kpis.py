"""The headline figures (`Kpi`): the week's spend, leads, cost per lead, click-through rate and the rest, each
with its sixteen weeks and the signal read from them. A ratio is worked out from exact sums."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from firstmate.domain.intel.facts import Kpi
from firstmate.domain.marketing import AdWeek
from firstmate.domain.signal import Point, Signal, Status, classify


def weekly_kpis(
    weeks: list[date], by_week: dict[date, list[AdWeek]], crm: Counter[date] | None, platform: str
) -> list[Kpi]:
    """The week's headline figures over `weeks` (the last is the week reported), from each week's ad rows
    (`by_week`) and paid-social CRM leads (`crm`; None without a CRM: no "Leads in the CRM" card); `platform`
    names whose leads the leads card counts ("Meta")."""

    def total(week: date, attr: str, lead_gen_only: bool = False) -> Decimal:
        rows = by_week[week]
        if lead_gen_only:  # a lead campaign's whole spend, as its table row counts it: its ad sets without a
            # lead (a traffic campaign's, beside the one bringing pixel leads) were left out, $150 a lead beside $500
            lead_gen = {(r.account, r.campaign_id) for r in rows if r.lead_generating}
            rows = [r for r in rows if (r.account, r.campaign_id) in lead_gen]
        return Decimal(sum(getattr(r, attr) for r in rows))

    # exact sums, so a ratio is the very figure the campaign table rounds: $100.35 over 6 leads as floats
    # came to 16.72499…, $16.72 on the card beside $16.73 in the table
    exact = {a: [total(w, a) for w in weeks] for a in ("spend", "impressions", "clicks", "leads", "landing_page_views")}
    lead_spend_exact = [total(w, "spend", lead_gen_only=True) for w in weeks]
    spend, impressions, leads, views = (
        [float(v) for v in exact[a]] for a in ("spend", "impressions", "leads", "landing_page_views")
    )
    # a week without a lead has no cost per lead: as $0.00 it read as the cheapest week, and a form
    # that broke for three weeks as good news
    cpl = [_quotient([s], [n]) for s, n in zip(lead_spend_exact, exact["leads"], strict=True)]
    ctr = [_quotient([c], [i], 100) for c, i in zip(exact["clicks"], exact["impressions"], strict=True)]
    in_crm: list[Kpi] = []  # without a CRM there is no count of its leads: zeros would read as leads lost
    if crm is not None:
        crm_leads = [float(crm.get(w, 0)) for w in weeks]
        in_crm.append(_kpi("crm_leads", "Leads in the CRM", "count", crm_leads, "leads", sums=True))
    return [
        _kpi("spend", "Ad spend", "money", spend, "spend", sums=True),
        _kpi("leads", f"Leads ({platform})", "count", leads, "leads", sums=True),
        *in_crm,
        _kpi("cpl", "Cost per lead", "money", cpl, "cpl", volumes=leads,
             rolling=_quotient(lead_spend_exact[-4:], exact["leads"][-4:]),
             all_time=_quotient(lead_spend_exact, exact["leads"])),
        _kpi("ctr", "Click-through rate", "percent", ctr, "ctr", volumes=impressions,
             rolling=_quotient(exact["clicks"][-4:], exact["impressions"][-4:], 100),
             all_time=_quotient(exact["clicks"], exact["impressions"], 100)),
        _kpi("impressions", "Impressions", "count", impressions, "impressions", sums=True),
        _kpi("landing_page_views", "Landing page views", "count", views, "leads", sums=True),
    ]  # fmt: skip


def _kpi(
    key: str, label: str, unit: str, series: Sequence[float | None], metric: str, *, sums: bool = False,
    volumes: list[float] | None = None, rolling: float | None = None, all_time: float | None = None,
) -> Kpi:  # fmt: skip
    if sums:
        rolling, all_time = sum(v or 0.0 for v in series[-4:]), sum(v or 0.0 for v in series)
    weights: list[float | None] = list(volumes) if volumes else [None] * len(series)
    scale = 100 if key == "ctr" else 1  # a rate's points carry the impressions behind them, as a fraction
    # the signal reads the weeks that have a figure
    points = [Point(v / scale, vol) for v, vol in zip(series, weights, strict=True) if v is not None]
    signal = classify(metric, points) if key != "spend" else _neutral(classify("revenue", points))
    return Kpi(
        key=key,
        label=label,
        unit=unit,
        value=series[-1] if series else 0.0,
        previous=series[-2] if len(series) > 1 else None,
        rolling_4w=rolling,
        all_time=all_time,
        series=list(series[-16:]),
        signal=signal,
    )


def _neutral(signal: Signal) -> Signal:
    """Spend moving is a decision, not news: keep the direction, never alert."""
    return Signal(signal.direction, Status.OK, signal.change, signal.z, signal.reason)


def _quotient(numerators: list[Decimal], denominators: list[Decimal], scale: int = 1) -> float | None:
    """Their sums' quotient (× `scale`) worked out exactly, as the float nearest it; None over nothing."""
    total = sum(denominators, Decimal(0))
    return float(sum(numerators, Decimal(0)) * scale / total) if total else None
