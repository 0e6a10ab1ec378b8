"""The campaign table: each campaign's name as the report shows it (`campaign_names`), and its row of the
week with its 4-week cost per lead and signals (`campaign_rows`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from firstmate.domain.intel.amounts import money
from firstmate.domain.intel.facts import CampaignRow
from firstmate.domain.marketing import AdWeek
from firstmate.domain.signal import Point, classify


def campaign_names(rows: Iterable[AdWeek]) -> dict[tuple[str, str], str]:
    """Each campaign's name as the report shows it, by ad account and campaign id: with its account
    when another account's campaign has the same name, and its id too when its own account's has.
    Two brands' "Sunset cruises" were one row, its cost per lead counting both campaigns' spend."""
    named = {(r.account, r.campaign_id): r.campaign_name for r in rows}
    anywhere = Counter(named.values())
    in_account = Counter((account, name) for (account, _), name in named.items())
    shown = {}
    for (account, campaign_id), name in named.items():
        if anywhere[name] == 1:
            shown[(account, campaign_id)] = name
        elif in_account[(account, name)] == 1:
            shown[(account, campaign_id)] = f"{name} (ad account {account})"
        else:
            shown[(account, campaign_id)] = f"{name} (ad account {account}, campaign {campaign_id})"
    return shown


def campaign_rows(
    weeks: list[date], by_week: dict[date, list[AdWeek]], names: dict[tuple[str, str], str]
) -> list[CampaignRow]:
    """Each campaign's row of the last of `weeks`, its signals read from every week's rows (`by_week`), in the
    order of the names the report shows (`names`, from `campaign_names`)."""
    # grouped once, in row order: scanning every week's rows per campaign made this quadratic
    grouped: dict[tuple[str, str], dict[date, list[AdWeek]]] = defaultdict(lambda: defaultdict(list))
    for w in weeks:
        for r in by_week[w]:
            grouped[(r.account, r.campaign_id)][w].append(r)
    rows = []
    for key, name in sorted(names.items(), key=lambda item: (item[1], item[0])):
        of_campaign = grouped[key]
        weekly = [of_campaign.get(w, []) for w in weeks]
        current = weekly[-1]
        spend = money(sum((r.spend for r in current), Decimal(0)))
        leads = sum(r.leads for r in current)
        lead_gen = any(r.lead_generating for r in current)
        # the weeks it was a lead campaign, as the card counts them: a traffic campaign's spend in its weeks
        # without a lead made its row's 4-week cost per lead $266.67 beside the card's $200.00
        last4 = [r for group in weekly[-4:] if any(r.lead_generating for r in group) for r in group]
        spend4 = sum((r.spend for r in last4), Decimal(0))
        leads4 = sum(r.leads for r in last4)
        lead_series = [float(sum(r.leads for r in g)) for g in weekly]
        # the weeks with a lead, as the card reads them: a week without one counted as its spend over one
        # lead, and a campaign whose leads stopped read "[UP] [ALERT]" beside a cost per lead of "–"
        cpl_points = [
            Point(float(sum((r.spend for r in g), Decimal(0)) / int(n)), n)
            for g, n in zip(weekly, lead_series, strict=True)
            if n
        ]
        rows.append(
            CampaignRow(
                campaign=name,
                account=key[0],
                campaign_id=key[1],
                objective=current[0].objective if current else "",
                spend=spend,
                impressions=sum(r.impressions for r in current),
                clicks=sum(r.clicks for r in current),
                leads=leads,
                landing_page_views=sum(r.landing_page_views for r in current),
                cpl=money(spend / leads) if lead_gen and leads else None,
                cpl_4w=money(spend4 / leads4) if leads4 else None,
                leads_signal=classify("leads", [Point(v) for v in lead_series]) if lead_gen else None,
                cpl_signal=classify("cpl", cpl_points) if lead_gen else None,
            )
        )
    return rows
