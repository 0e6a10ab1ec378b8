"""Money and time value rules."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from firstmate.domain.reports.format import money, money_seen
from firstmate.domain.shared import Money, first_word, iso, require_aware


def test_money_is_exact_and_refuses_floats_and_mixed_currencies() -> None:
    total = Money.parse("840.75", "usd") + Money.parse("0.10", "USD")
    assert total == Money(Decimal("840.85"), "USD")
    # shown to the currency's minor unit, never rounded away (no booking amount holds more places than USD has)
    assert (
        str(Money.parse("1234.5", "USD")) == "1,234.50 USD" and str(Money.parse("1234.565", "USD")) == "1,234.565 USD"
    )


def test_money_is_shown_in_its_currencys_minor_unit_and_never_rounded() -> None:
    """Found by a review: 12000.50 JPY was shown "12,000 JPY" (yen have no minor unit), rounded unsaid. Such an
    amount is refused at intake now; one taken before shows what it holds."""
    assert str(Money.parse("12000.00", "JPY")) == "12,000 JPY" and str(Money.parse("12000", "KRW")) == "12,000 KRW"
    assert str(Money.parse("12000.50", "JPY")) == "12,000.50 JPY"
    assert str(Money.parse("12.5", "BHD")) == "12.500 BHD" and str(Money.parse("840.75", "usd")) == "840.75 USD"
    # the reports' figures with their cents: a yen report's read "12,000.00 JPY"
    assert (
        money(Decimal("12000"), "JPY", cents=True) == "12,000 JPY" and money(Decimal("840.75"), cents=True) == "$840.75"
    )
    assert (
        money_seen(Decimal("12000"), "JPY") == "12,000 JPY" and money(Decimal("1.25"), "BHD", cents=True) == "1.250 BHD"
    )
    with pytest.raises(TypeError):
        Money(840.75, "USD")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot combine"):
        Money.parse("1", "USD") + Money.parse("1", "EUR")
    with pytest.raises(ValueError, match="not an amount"):
        Money.parse("12,00", "EUR")
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal("NaN"), "USD")


def test_times_must_carry_an_offset_and_are_stored_as_utc() -> None:
    local = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=-7)))
    assert iso(local) == "2026-06-01T16:00:00.000000Z"
    with pytest.raises(ValueError, match="offset"):
        require_aware(datetime(2026, 6, 1, 9, 0))


def test_a_name_of_spaces_alone_still_has_something_to_greet() -> None:
    assert first_word("Dana Whitcomb") == "Dana" and first_word("\u00a0Ann Lee") == "Ann"
    assert first_word("\x85") == "\x85" and first_word("") == ""


def test_a_name_written_last_comma_first_is_greeted_by_its_first_name() -> None:
    """Found by a review: "Whitcomb, Dana" was greeted "Hi Whitcomb,"."""
    assert first_word("Whitcomb, Dana") == "Dana" and first_word("Van der Berg, Anna Marie") == "Anna"
    assert first_word("Whitcomb,Dana") == "Dana"
    # a suffix after the comma is no first name
    assert first_word("Dana Whitcomb, Jr.") == "Dana" and first_word("Dana Whitcomb, MD") == "Dana"
    assert first_word("Whitcomb,") == "Whitcomb" and first_word("Whitcomb, Dana, Jr.") == "Dana"
    # a title before the name is no first name either (a review: "Dr. Dana Whitcomb" was greeted "Hi Dr.,")
    assert first_word("Dr. Dana Whitcomb") == "Dana" and first_word("Whitcomb, Dr. Dana") == "Dana"
    assert first_word("Mrs Ana Keel") == "Ana" and first_word("Dr.") == "Dr." and first_word("Miss") == "Miss"
    assert first_word("Captain Dana Whitcomb") == "Dana" and first_word("Professor Ana Keel") == "Ana"
