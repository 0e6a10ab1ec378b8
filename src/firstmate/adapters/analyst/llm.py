"""LlmAnalyst: a reader-first, three-pass analysis by a language model, parsed and validated, with
the rules analyst's text as the fallback on any failure. The model sees only the computed facts;
its raw output and the parser's verdict are logged as JSON. (The number check runs afterwards, in
the use case, on whatever text an analyst returns.)"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from firstmate.domain.analysis import DEPARTMENTS, Analysis, Section, half_up, rules_analysis
from firstmate.domain.intel import WeeklyFacts
from firstmate.domain.signal import TOO_SHORT

log = structlog.get_logger(__name__)

#: (system prompt, user message) -> the model's text
Complete = Callable[[str, str], str]

SYSTEM = """You write the weekly marketing note for a small charter-boat business.
Who reads it: the owner and three department leads (Marketing; Digital/Dev, who run the website,
forms and tracking; Leadership). What they decide: where ad money goes next week, what to fix on the
site, whether anything needs the owner. What is noise: any change marked FLAT. Only changes marked
UP/DOWN are sustained; only ALERT needs action. Use only numbers that appear in the facts, written
the same way. Never invent a number, a cause you cannot see in the facts, or a campaign."""

PASSES = (
    "Pass 1 of 3, read. In five short bullet lines, say what the facts show this week. Facts:\n{facts}",
    "Pass 2 of 3, compare to trend. Your reading:\n{previous}\nWhich of these are sustained changes "
    "(UP/DOWN, ALERT) and which are normal variation? Answer in short bullet lines.",
    "Pass 3 of 3, recommend. Your comparison:\n{previous}\nAnswer with JSON only, exactly: "
    '{{"sections": [{{"title": "Marketing", "points": [...]}}, {{"title": "Digital/Dev", "points": [...]}}, '
    '{{"title": "Leadership", "points": [...]}}]}} with one to four short sentences per section.',
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    points: list[str] = Field(min_length=1, max_length=6)

    @field_validator("points")
    @classmethod
    def _short(cls, points: list[str]) -> list[str]:
        cleaned = [" ".join(p.split()) for p in points]
        if any(not p or len(p) > 400 for p in cleaned):
            raise ValueError("each point is one sentence of at most 400 characters")
        return cleaned


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sections: list[_Section]

    @field_validator("sections")
    @classmethod
    def _departments(cls, sections: list[_Section]) -> list[_Section]:
        if [s.title for s in sections] != list(DEPARTMENTS):
            raise ValueError(f"sections must be exactly {', '.join(DEPARTMENTS)}, in that order")
        return sections


class LlmAnalyst:
    """The Analyst port on any model reachable through `complete`."""

    def __init__(self, name: str, complete: Complete) -> None:
        self.name = name
        self._complete = complete

    def analyse(self, facts: WeeklyFacts) -> Analysis:
        try:
            previous = ""
            for number, template in enumerate(PASSES, start=1):
                prompt = template.format(facts=facts_for_model(facts), previous=previous)
                previous = self._complete(SYSTEM, prompt)
                log.info("analyst.output", analyst=self.name, pass_number=number, raw=previous[:4000])
            answer = _Answer.model_validate(_json(previous))
        except (ValidationError, ValueError) as exc:
            return self._fallback(facts, f"its answer did not follow the format ({_short(exc)})")
        except Exception as exc:  # a model or network failure must never stop the Monday report
            return self._fallback(facts, f"it failed ({type(exc).__name__}: {_short(exc)})")
        log.info("analyst.parsed", analyst=self.name, ok=True, sections=[s.title for s in answer.sections])
        return Analysis(sections=[Section(s.title, s.points) for s in answer.sections], author=self.name)

    def _fallback(self, facts: WeeklyFacts, why: str) -> Analysis:
        log.warning("analyst.parsed", analyst=self.name, ok=False, reason=why)
        analysis = rules_analysis(facts)
        note = f"The {self.name} model's analysis could not be used: {why}. This one is written from the facts alone."
        return Analysis(sections=analysis.sections, author="rules", note=note)


def facts_for_model(facts: WeeklyFacts) -> str:
    """The facts as compact JSON: the figures a model may quote, and nothing else."""
    kpis = [
        {
            "kpi": k.label,
            "this_week": _round(k.value),
            "previous_week": _round(k.previous),
            "change_pct": None if k.change is None else round(k.change * 100),
            "last_4_weeks": _round(k.rolling_4w),
            # FLAT is noise to the model (SYSTEM): a KPI too short to judge is not, it was never judged
            "trend": "not judged: too little history" if k.signal.reason == TOO_SHORT else k.signal.direction.value,
            "status": k.signal.status.value,
        }
        for k in facts.kpis
    ]
    campaigns = [
        {"campaign": c.campaign, "spend": str(c.spend), "leads": c.leads, "cpl": str(c.cpl) if c.cpl else None,
         "cpl_4w": str(c.cpl_4w) if c.cpl_4w else None,
         "cpl_status": c.cpl_signal.status.value if c.cpl_signal else None}
        for c in facts.campaigns
    ]  # fmt: skip
    activity = [asdict(a) | {"spend": str(a.spend), "cpl": str(a.cpl) if a.cpl else None} for a in facts.lead_activity]
    if facts.crm_source is None:  # no CRM: its count is not zero, it is unknown
        activity = [{k: v for k, v in a.items() if k != "crm_leads"} for a in activity]
    body: dict[str, Any] = {
        "week": f"{facts.week_start} to {facts.week_end}",
        "currency": facts.currency,  # of every amount: a euro business's figures written as dollars were no facts
        "kpis": kpis,
        "campaigns": campaigns,
        "lead_activity": activity,
        "restated": facts.restatements,
    }
    if facts.crm_notes:  # CRM leads no one ad set is credited with, and why
        body["crm_notes"] = facts.crm_notes
    if facts.crm_sources:  # the week's CRM leads by where they came from, as the report shows them
        body["crm_leads_by_source"] = {row.label: row.leads for row in facts.crm_sources}
    return json.dumps(body, default=str)


def _round(value: float | None) -> float | None:
    # as the report prints it: round() gave the model $20.12 for a cost per lead the report reads $20.13
    return None if value is None else float(half_up(value, 2))


def _json(text: str) -> Any:
    match = re.search(r"\{.*\}", text, re.S)  # models like to wrap JSON in prose or code fences
    if match is None:
        raise ValueError("no JSON object in the answer")
    return json.loads(match.group(0))


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
