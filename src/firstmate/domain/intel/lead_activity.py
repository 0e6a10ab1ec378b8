"""The Lead Activity section: each lead-generating ad set's week, with the paid-social CRM leads credited
to it by utm_content, and notes for the leads no one ad set can be credited with."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from firstmate.domain.intel.amounts import money
from firstmate.domain.intel.facts import LeadActivityRow
from firstmate.domain.marketing import AdWeek, CrmLead, one_line


def lead_activity(
    rows: list[AdWeek], leads: list[CrmLead], names: dict[tuple[str, str], str]
) -> tuple[list[LeadActivityRow], list[str]]:
    """The week's Lead Activity rows, one for each lead-generating ad set that ran, brought a lead or was credited
    a CRM lead, and the notes of the paid-social CRM leads no row is credited with."""
    groups = _by_ad_set(rows, names)
    in_crm, shared, unsure = _crm_leads(groups, leads)
    activity = []
    for group in groups:
        first = group[0]
        if not any(r.lead_generating for r in group):
            continue
        spend, brought = sum((r.spend for r in group), Decimal(0)), sum(r.leads for r in group)
        ran = spend or any(r.impressions for r in group)
        if not (ran or brought or in_crm[(first.account, first.adset_id)]):
            continue  # paused (a file's row of zeros): it topped the list told to check its form
        activity.append(
            LeadActivityRow(
                campaign=names[(first.account, first.campaign_id)],
                adset=first.adset_name,
                leads=brought,
                crm_leads=in_crm[(first.account, first.adset_id)],
                spend=money(spend),
                cpl=money(spend / brought) if brought else None,
                landing_page_views=sum(r.landing_page_views for r in group),
            )
        )
    # the card counts every paid-social lead, the rows those credited to them: a lead naming an ad set not running
    # this week, or an awareness one, was in neither a row nor a line, and the column fell short of the card unsaid
    credited = sum(row.crm_leads for row in activity) + unsure
    left = sum(lead.paid_social for lead in leads) - credited
    if left > 0:
        their = "its" if left == 1 else "their"
        lead_is = "1 paid-social CRM lead is" if left == 1 else f"{left:,} paid-social CRM leads are"
        shared.append(
            f"{lead_is} credited to no ad set listed here ({their} utm_content names none of this week's lead ad "
            "sets): counted in the Leads in the CRM card and in no row."
        )
    return activity, shared


def _crm_leads(groups: list[list[AdWeek]], leads: list[CrmLead]) -> tuple[dict[tuple[str, str], int], list[str], int]:
    """How many paid-social CRM leads each ad set brought, by account and ad set id, a note for each ad set
    name the leads cannot be credited by, and how many leads those notes count. A lead counts for the ad
    set whose id its utm_content is, when no other ad set of the week has that id, or whose
    `<account>/<id>` it is; else for the one whose campaign its utm_campaign also names. Matched by name
    always, a renamed campaign lost its leads. Ids are matched on one line, as utm_content is read: a
    CSV ad set's id is its names as written. Two ad accounts' files may both run "Harbor tours/Locals":
    a lead naming it and not the account is either's, so it counts for neither (it is in the CRM's
    total) and the note says so; both rows claimed it, each lead counted twice in Lead Activity."""
    firsts = [group[0] for group in groups]
    ids = Counter(one_line(row.adset_id) for row in firsts)
    named: dict[str, tuple[str, str]] = {}  # what a lead's utm_content may say to name one ad set
    by_campaign: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)  # ad sets of an id others share
    for row in firsts:
        key, adset_id = (row.account, row.adset_id), one_line(row.adset_id)
        named[f"{row.account}/{adset_id}"] = key
        if ids[adset_id] == 1:
            named[adset_id] = key
        else:
            by_campaign[(row.campaign_name, adset_id)].append(row)
    counted: Counter[tuple[str, str]] = Counter()
    unsure: Counter[tuple[str, str]] = Counter()
    for lead in (lead for lead in leads if lead.paid_social):
        candidates = by_campaign.get((lead.utm_campaign, lead.utm_content), [])
        if lead.utm_content in named:
            counted[named[lead.utm_content]] += 1
        elif len(candidates) == 1:
            counted[(candidates[0].account, candidates[0].adset_id)] += 1
        elif candidates:
            unsure[(lead.utm_campaign, lead.utm_content)] += 1
    notes = [_shared_note(n, by_campaign[key]) for key, n in sorted(unsure.items())]
    counts = {(row.account, row.adset_id): counted[(row.account, row.adset_id)] for row in firsts}
    return counts, notes, sum(unsure.values())


def _shared_note(count: int, rows: list[AdWeek]) -> str:
    """What the report says of CRM leads that name an ad set several ad accounts run, and not the account."""
    accounts = sorted({row.account for row in rows})
    both = " and ".join([", ".join(accounts[:-1]), accounts[-1]]) if len(accounts) > 1 else accounts[0]
    first = rows[0]
    lead = "1 CRM lead names" if count == 1 else f"{count:,} CRM leads name"
    return (
        f"{lead} the ad set {first.campaign_name} / {first.adset_name}, which ad accounts {both} "
        f"{'both' if len(accounts) == 2 else 'all'} run, and not the account: counted in the CRM's total and in "
        f"no ad set's row (a utm_content of {accounts[0]}/{one_line(first.adset_id)} names one)."
    )


def _by_ad_set(rows: list[AdWeek], names: dict[tuple[str, str], str]) -> list[list[AdWeek]]:
    """The week's rows of each ad set together, in campaign and ad set name order: a CSV file may split an
    ad set's week over rows, and one row each showed it twice, its CRM leads counted in both."""
    grouped: dict[tuple[str, str], list[AdWeek]] = defaultdict(list)
    for row in rows:
        grouped[(row.account, row.adset_id)].append(row)
    return sorted(grouped.values(), key=lambda g: (names[(g[0].account, g[0].campaign_id)], g[0].adset_name))
