"""RulesAnalyst: the analysis written from the facts alone (the default, and every model's fallback)."""

from __future__ import annotations

from firstmate.domain.analysis import Analysis, rules_analysis
from firstmate.domain.intel import WeeklyFacts


class RulesAnalyst:
    """The Analyst port without a model."""

    name = "rules"

    def analyse(self, facts: WeeklyFacts) -> Analysis:
        return rules_analysis(facts)
