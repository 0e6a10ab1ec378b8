"""The analyst's number check: names of campaigns and ad sets are not figures, wrong figures still go."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from firstmate.domain.analysis import Analysis, Section, checked, rules_analysis
from firstmate.domain.intel import WeeklyFacts, compute_facts
from firstmate.domain.marketing import AdWeek
from tests.fuzz.strategies import FUZZ, examples, hostile

WEEK = date(2026, 11, 9)
SUMMER, AUDIENCE = "Summer 2026 | Leads", "Audience 25-34"


def _facts() -> WeeklyFacts:
    """Eight weeks of two lead campaigns; "Summer 2026" brings no leads in the last week."""
    rows = []
    for n in range(8):
        week = WEEK - timedelta(weeks=7 - n)
        for campaign, adset, leads in ((SUMMER, AUDIENCE, 0 if n == 7 else 9), ("Brand | Leads", "Everyone", 12)):
            rows.append(
                AdWeek("meta", "1001", campaign, campaign, f"{campaign}/{adset}", adset, "OUTCOME_LEADS", week,
                       Decimal("250.00"), "USD", 20_000, 300, leads, 431)
            )  # fmt: skip
    return compute_facts("demo", WEEK, rows, [])


def test_the_rules_analysts_sentence_about_a_campaign_with_digits_in_its_name_survives_the_check() -> None:
    facts = _facts()
    line = f"{SUMMER} / {AUDIENCE}: no leads from 431 landing page views; check the form."
    written = rules_analysis(facts)
    assert line in written.sections[1].points

    analysis = checked(written, facts)

    assert line in analysis.sections[1].points
    assert analysis.dropped == []


def test_a_wrong_number_beside_a_campaign_name_with_digits_is_still_dropped() -> None:
    facts = _facts()
    true, wrong = f"{SUMMER} spent $250.00 this week.", f"{SUMMER} brought 57 leads at $4.39 each."
    analysis = checked(Analysis([Section("Marketing", [f"{true} {wrong}"])], author="openai"), facts)

    assert analysis.sections[0].points == [true]
    assert analysis.dropped == [wrong]


def test_digits_in_a_name_the_facts_do_not_know_are_still_checked() -> None:
    facts = _facts()
    claim = "Summer 2027 | Leads spent $250.00."  # no such campaign: 2027 is a claim

    analysis = checked(Analysis([Section("Marketing", [claim])], author="openai"), facts)

    assert analysis.dropped == [claim]


@settings(FUZZ, max_examples=examples(300))
@given(text=st.text(st.sampled_from("0123456789-+$%,. abcXY\n!?"), max_size=60) | hostile)
def test_whatever_an_analyst_writes_is_checked_never_a_crash(text: str) -> None:
    """A model's "-$5" stopped the weekly run with a ValueError from the check itself."""
    facts = _facts()
    analysis = checked(
        Analysis(sections=[Section("Marketing", [text, "Spend fell -$5 to +$3.50."])], author="x"), facts
    )
    assert "Spend fell -$5 to +$3.50." in analysis.dropped  # figures the facts do not hold, dropped as such
