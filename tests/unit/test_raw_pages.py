"""Pulled pages are read strictly and archived as they came: a replay of a run reads back exactly
the values the run read (the weekly report's "archived raw" promise)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firstmate.adapters.sources.answers import LooseNumber, json_answer
from firstmate.services.intel.archive import _page_bytes

#: Any JSON value an API could answer, integers past 64 bits and lone surrogates included.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=())),  # lone surrogates too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_every_page_read_is_archived_as_it_came(value: object) -> None:
    pages = [{"request": {"url": "/x"}, "body": json_answer(json.dumps(value).encode())}]
    assert json.loads(_page_bytes(pages)) == pages


def test_the_values_orjson_refuses_are_archived_by_json() -> None:
    body = json_answer(b'{"id": 1180591620717411303424, "name": "Zo\\u00eb \\ud800", "spend": 1e308}')
    assert body == {"id": 2**70, "name": "Zo\u00eb \ud800", "spend": 1e308}
    assert json.loads(_page_bytes([body])) == [body]


@pytest.mark.parametrize("answer", [b'{"spend": NaN}', b'{"spend": Infinity}', b"[-Infinity]", b'{"spend": 1e400}'])
def test_numbers_json_does_not_allow_are_refused(answer: bytes) -> None:
    with pytest.raises(LooseNumber, match=r"is not a JSON number|beyond a number's range"):
        json_answer(answer)
