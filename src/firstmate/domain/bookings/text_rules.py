"""What a booking's text fields accept (one line of printable text, a channel's name, a phone number), and
how a validation problem is said in words rather than as a pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints, ValidationInfo

from firstmate.domain.mail import EMAIL_PATTERN
from firstmate.domain.shared import problem_words

#: Printable text on one line (control characters break mail headers and feeds) with no space at
#: either end. The pattern every stored value passed; intake also refuses Unicode's other spaces at
#: either end and its line separators (a name of "\x85" alone had no first name to greet).
ONE_LINE = r"^[^\x00-\x20\x7f](?:[^\x00-\x1f\x7f]*[^\x00-\x20\x7f])?$"
#: Unicode's line separators, and its spaces beyond ASCII's (what str.strip also strips).
LINE_BREAKS = "\x85\u2028\u2029"
_SPACES = r"\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: The same rule as intake applies it, as the API schema states it.
ONE_LINE_STRICT = rf"^[^\x00-\x20\x7f{_SPACES}](?:[^\x00-\x1f\x7f{LINE_BREAKS}]*[^\x00-\x20\x7f{_SPACES}])?$"
ONE_LINE_WORDS = "must be one line of printable text, with no space at either end"


def _one_line(value: str, info: ValidationInfo) -> str:
    # judged at intake only: a stored value passed the rule of its day (ONE_LINE), and stays readable
    if not (info.context or {}).get("stored") and (value != value.strip() or any(c in LINE_BREAKS for c in value)):
        raise ValueError(ONE_LINE_WORDS)
    return value


class _SchemaPattern:
    """States `pattern` in the JSON schema in place of the one validation checks first."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(self, core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core)
        schema["pattern"] = self.pattern
        return schema


OneLine = Annotated[
    str, StringConstraints(min_length=1, pattern=ONE_LINE), AfterValidator(_one_line), _SchemaPattern(ONE_LINE_STRICT)
]
EMAIL_SCHEMA = {"type": "string", "pattern": EMAIL_PATTERN, "maxLength": 200, "examples": ["dana@example.com"]}


#: A booking channel's name, as a booking's `source`.
SOURCE = r"^[a-z0-9][a-z0-9_-]{1,29}$"
SOURCE_WORDS = "must be 2 to 30 lower-case letters, digits, dashes or underscores, like boatsetter or web-site"
#: A guest's phone number: digits, with the spaces, brackets, dots and dashes people write, and any
#: extension after it ("+1 555 0100 ext. 12", "x12"). Case is spelled out: the API schema states it too.
PHONE = r"^\+?[0-9(][0-9 ().-]{3,28}[0-9](?:,? ?(?:[Ee][Xx][Tt](?:[Ee][Nn][Ss][Ii][Oo][Nn])?\.?|[Xx]) ?[0-9]{1,6})?$"
PHONE_WORDS = (
    "must be a phone number of 5 to 30 characters (digits, spaces, brackets, dots, dashes), like +1 (555) 010-0199, "
    "with any extension after it, like ext. 12"
)


def problem_text(problem: Mapping[str, Any], timezone: str | None = None) -> str:
    """One validation problem (an item of `ValidationError.errors()`) in words: the one-line rule and
    a channel's name are said, not their patterns shown; a start is shown written with the offset of the
    business's `timezone` when it is known."""
    if problem.get("type") == "string_pattern_mismatch":
        pattern = (problem.get("ctx") or {}).get("pattern")
        if pattern == ONE_LINE:
            return ONE_LINE_WORDS
        if pattern == SOURCE:  # "String should match pattern '^[a-z0-9][a-z0-9_-]{1,29}$'" said nothing
            return SOURCE_WORDS
        if pattern == PHONE:
            return PHONE_WORDS
    return problem_words(problem, timezone)
