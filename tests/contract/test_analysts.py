"""Every LLM analyst over real HTTP against a model stand-in: good answers are used, invented
numbers are dropped, and any failure falls back to the rules analysis with a note."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest

from firstmate.adapters.analyst.clients import anthropic_messages, bedrock_converse, openai_compatible
from firstmate.adapters.analyst.llm import Complete, LlmAnalyst
from firstmate.domain.analysis import checked
from firstmate.domain.intel import WeeklyFacts, compute_facts
from firstmate.domain.marketing import AdWeek
from firstmate.standin.data import build_history
from firstmate.standin.server import StandIn, running

WEEK = date(2026, 11, 9)
HISTORY = build_history(WEEK)


def _facts() -> WeeklyFacts:
    rows = []
    for r in HISTORY.rows:
        a = r.adset
        rows.append(
            AdWeek("meta", a.account, a.campaign_id, a.campaign_name, a.adset_id, a.adset_name, a.objective,
                   r.week_start, Decimal(str(r.spend)), "USD", r.impressions, r.clicks, r.leads, r.landing_page_views)
        )  # fmt: skip
    return compute_facts("demo", WEEK, rows, [])


FACTS = _facts()


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with running(HISTORY) as server:
        yield server


def _openai(url: str) -> Complete:
    return openai_compatible(url, "local-model")


def _anthropic(url: str) -> Complete:
    return anthropic_messages("sk-ant-standin", "claude-standin", base_url=url)


def _bedrock(url: str) -> Complete:
    import os

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "standin")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "standin")
    return bedrock_converse("anthropic.claude-standin", "us-east-1", endpoint_url=url)


CLIENTS: dict[str, Callable[[str], Complete]] = {"openai": _openai, "anthropic": _anthropic, "bedrock": _bedrock}


def _answer(marketing: str) -> str:
    sections = [
        {"title": "Marketing", "points": [marketing]},
        {"title": "Digital/Dev", "points": ["Every lead campaign brought leads."]},
        {"title": "Leadership", "points": ["Review the sunset campaign budget this week."]},
    ]
    return "Here is the JSON:\n```json\n" + json.dumps({"sections": sections}) + "\n```"


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_a_good_answer_is_used_and_an_invented_number_is_dropped(standin: StandIn, name: str) -> None:
    cpl = FACTS.kpi("cpl")
    standin.model.replies = [
        "- read",
        "- compared",
        _answer(f"Cost per lead is ${cpl.value:,.2f}. Leads fell 61% in May."),
    ]
    analysis = checked(LlmAnalyst(name, CLIENTS[name](standin.url)).analyse(FACTS), FACTS)
    assert analysis.author == name and [s.title for s in analysis.sections] == [
        "Marketing",
        "Digital/Dev",
        "Leadership",
    ]
    assert analysis.sections[0].points == [f"Cost per lead is ${cpl.value:,.2f}."]
    assert analysis.dropped == ["Leads fell 61% in May."]
    assert len(standin.model.prompts) == 3 and "Pass 3 of 3" in standin.model.prompts[2]
    assert '"kpi": "Cost per lead"' in standin.model.prompts[0]


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_a_failing_model_gives_way_to_the_rules_with_a_note(standin: StandIn, name: str) -> None:
    standin.model.fail = True
    analysis = LlmAnalyst(name, CLIENTS[name](standin.url)).analyse(FACTS)
    assert analysis.author == "rules" and f"The {name} model's analysis could not be used" in analysis.note
    assert analysis.sections[0].title == "Marketing" and analysis.sections[0].points


def test_an_answer_out_of_format_gives_way_to_the_rules(standin: StandIn) -> None:
    standin.model.replies = ["- read", "- compared", '{"sections": [{"title": "Sales", "points": ["Sell more."]}]}']
    analysis = LlmAnalyst("openai", _openai(standin.url)).analyse(FACTS)
    assert analysis.author == "rules" and "did not follow the format" in analysis.note
