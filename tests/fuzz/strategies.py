"""Hostile input for the fuzz tests: text a careless or malicious sender could put in any field."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

_ASKED = os.environ.get("FUZZ_RUN_SCALE", "")
if _ASKED and not (_ASKED.isdigit() and int(_ASKED) >= 1):
    raise ValueError(
        f"FUZZ_RUN_SCALE must be a whole number of 1 or more (got {_ASKED!r}), e.g. make fuzz FUZZ_SCALE=20"
    )
#: `make fuzz` sets FUZZ_RUN_SCALE from its FUZZ_SCALE (a name of its own, so that a FUZZ_SCALE left in
#: the environment leaves `make test` as it is): every generated test then runs that many times its
#: cases, drawn from the run's random seed (`--hypothesis-seed`, printed) instead of the same ones each time.
SCALE = int(_ASKED or 1)
#: `make test` (no scale set) is derandomized, so CI runs the same cases every time; `make fuzz` is not.
DEEP = bool(_ASKED)


def examples(count: int) -> int:
    """A generated test's number of cases: `count` in `make test`, SCALE times it in `make fuzz`."""
    return count * SCALE


#: What every generated test shares (each bounds its own cases with `examples`).
HYPOTHESIS: dict[str, Any] = {
    "deadline": None,
    "database": None,
    "derandomize": not DEEP,
    "print_blob": DEEP,  # a deep run's failure prints the line that replays exactly that case
    "report_multiple_bugs": False,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
}
FUZZ = settings(**HYPOTHESIS)

#: Inputs that have broken parsers and pages elsewhere: markup, template syntax, control and
#: direction characters, huge and negative numbers, odd spaces, very long lines.
NASTY = (
    "",
    " ",
    "\t\n",
    "\x00",
    "\x1b[31mred",
    "\u202etxt.exe",
    "\u00a0840.75",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7 * 7 }}",
    "{% for x in y %}",
    "=cmd|' /C calc'!A0",
    "'; DROP TABLE items; --",
    "../../etc/passwd",
    "NaN",
    "-1",
    "1e309",
    "99999999999999999999999999",
    "0.001",
    "१२३",
    "Ωmega ünïcödé 😀",
    "a" * 5000,
    "Booking cancelled",
    "Booking ID: EVIL-1",
)

nasty = st.sampled_from(NASTY)
#: Any text at all (every Unicode category but lone surrogates), short enough to stay fast.
any_text = st.text(max_size=80)
hostile = st.one_of(nasty, any_text)


def mostly_valid(valid: dict[str, st.SearchStrategy[str]], at_most: int = 3) -> st.SearchStrategy[dict[str, str]]:
    """Records whose fields are valid but for up to `at_most` hostile ones, so that fuzzing reaches
    past the first check (an all-random record is refused at once and tests little else)."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, str]:
        values = {name: draw(strategy) for name, strategy in valid.items()}
        for name in draw(st.lists(st.sampled_from(list(valid)), max_size=at_most, unique=True)):
            values[name] = draw(hostile)
        return values

    return build()


#: Names a guest may really have: any letters, marks and punctuation, one line, trimmed.
names = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=2, max_size=60).map(str.strip)
names = names.filter(lambda s: len(s) >= 2)
addresses = st.from_regex(r"[a-z]{1,12}(\.[a-z0-9]{1,8})?@(example|mail-host)\.(com|org|co\.uk)", fullmatch=True)
phones = st.from_regex(r"\+1 [2-9][0-9]{2} 555 [0-9]{4}", fullmatch=True)
#: Whole quarter hours, as every channel must give them.
quarter_hours = st.integers(1, 72 * 4).map(lambda q: f"{q / 4:g}")
