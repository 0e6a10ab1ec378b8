"""Currency codes as written in files and bodies."""

from __future__ import annotations

import pytest

from firstmate.domain.currencies import currency_code


@pytest.mark.parametrize("written", ["usd", " EUR ", "jpy"])
def test_a_code_in_any_case_is_read_in_capitals(written: str) -> None:
    assert currency_code(written) == written.strip().upper()


@pytest.mark.parametrize("written", ["ısk", "ＵＳＤ", "US D", "dollars", ""])
def test_a_code_in_other_letters_is_refused(written: str) -> None:
    """A review: "ısk" (a Turkish dotless ı) was read as ISK, upper-casing into the code it is not."""
    with pytest.raises(ValueError, match="is not a currency code"):
        currency_code(written)
