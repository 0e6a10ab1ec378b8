"""Redaction: what crew and guests may see, and what reports may show of configuration. Applied at the
boundary of every crew-facing and guest-facing view, mail, feed and API answer, and of every report."""

from firstmate.domain.redaction.amounts import HIDDEN_AMOUNT, MONEY_WORDS
from firstmate.domain.redaction.fields import HIDDEN_FROM_CREW, redact_for_crew
from firstmate.domain.redaction.notes import crew_notes, speaks_of_money
from firstmate.domain.redaction.secrets import (
    SECRET_NAME_WORDS,
    ConfigEntry,
    redact_config,
    secret_name,
    secret_setting,
    secret_shape,
)

__all__ = [
    "HIDDEN_AMOUNT",
    "HIDDEN_FROM_CREW",
    "MONEY_WORDS",
    "SECRET_NAME_WORDS",
    "ConfigEntry",
    "crew_notes",
    "redact_config",
    "redact_for_crew",
    "secret_name",
    "secret_setting",
    "secret_shape",
    "speaks_of_money",
]
