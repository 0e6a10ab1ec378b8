"""The redaction tests' eye for money (`shows_gross`): it must see the gross however an output could
show it, and must not mistake the same digits in a random id for it (that made a test flaky)."""

from __future__ import annotations

import pytest

from tests.conftest import shows_gross

SHOWN = (
    "Gross: 840.75 USD",
    "$840.75",
    "USD 840.75",
    "840,75 USD",
    "gross 840",
    '{"notes": "Birthday cake\\n840.75 USD"}',  # JSON, after an escaped line break
    "DESCRIPTION:Birthday cake aboard\\n840.75 USD",  # iCalendar, the same
    "DESCRIPTION:Guests: 6\\nBoat: Sea Lark (38 ft sloop)\\nGross: 8\r\n 40.75 USD",  # folded at 75 octets
    "<td>840.75</td>",
)
NOT_SHOWN = (
    "UID:854dcfc8bd8405@firstmate",
    "uid-840-x",
    "ab840",
    "x_840",
    "/crew/enter?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI4NDAifQ-840_x",
    "Guests: 6, Sea Lark",
)


@pytest.mark.parametrize("text", SHOWN)
def test_the_gross_is_seen_however_it_is_written(text: str) -> None:
    assert shows_gross(text)


@pytest.mark.parametrize("text", NOT_SHOWN)
def test_the_same_digits_in_an_id_or_a_token_are_not_money(text: str) -> None:
    assert not shows_gross(text)


def test_larger_amounts_are_seen_with_or_without_a_thousands_separator() -> None:
    assert shows_gross("1,150.00 USD", "1150") and shows_gross("$1150", "1150")
    assert not shows_gross("ab1150cd", "1150")
