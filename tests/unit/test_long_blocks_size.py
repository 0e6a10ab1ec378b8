"""The list of long blocked slots stays inside one store item, whatever the script of their titles, on both stores."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.ports import Item, Put, Store
from firstmate.services.trips import calendar_pk, calendar_sk, long_blocks
from tests.conftest import store_on

ORG = "acme"
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("dynamodb", marks=pytest.mark.aws)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from store_on(request, tmp_path, "blocks", NOW)


def _slot(n: int, title: str) -> CalendarEntry:
    start = NOW + timedelta(days=n)
    return CalendarEntry(
        uid=f"block-{hashlib.sha256(str(n).encode()).hexdigest()[:20]}@firstmate", org=ORG, entity="",
        asset="harbour-queen", kind=EntryKind.BLOCKED, title=title, start=start, end=start + timedelta(days=4),
        updated_at=NOW, channel="boatyard",
    )  # fmt: skip


def test_long_slots_titled_in_emoji_or_japanese_are_listed_in_one_item(store: Store) -> None:
    """A review: the list was bounded at 1,000 slots "of about 200 bytes each", but a title of 80 characters
    in Japanese is 480 bytes as stored (and in emoji 960): 1,000 such slots made a 668 KB item, which neither
    store takes, so the list could not be built or changed and every calendar import of a blocked slot failed
    ("… LONG-BLOCKS is 668054 bytes; an item holds at most 400000"). The list keeps what fits, latest-ending
    first, as it keeps the latest 1,000."""
    # 84 characters in emoji, the costliest to store (12 bytes each, escaped): the list keeps 80; 600 slots are
    # more than fit, and few enough for moto's server on a busy machine (1,000 timed out a request at 5 s)
    title = "⛵🌊⚓🐟" * 21
    slots = [_slot(n, title) for n in range(600)]
    writes = [Put(Item(calendar_pk(ORG), calendar_sk(s.start, s.uid), s.model_dump(mode="json"))) for s in slots]
    # written 20 to a transaction: moto's server took over its 5 s timeout for 100 of these on a busy machine
    for start in range(0, len(writes), 20):
        store.transact(writes[start : start + 20])

    stored, listed = long_blocks(store, ORG, NOW)  # built from the calendar (a home from before the list)

    assert stored is not None and len(slots) > len(listed) == len(stored.data["blocks"]) > 200
    assert listed[-1].uid == slots[-1].uid  # the slots ending last are those kept
    read = long_blocks(store, ORG, NOW)[1]  # read back as built, each title cut to 80 characters
    assert [b.uid for b in read] == [b.uid for b in listed] and {b.title for b in read} == {title[:80]}
