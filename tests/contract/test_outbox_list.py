"""The admin outbox's pages read from the store's index, on each engine: newest queued first across
orgs (ties broken by org, then key), each page following the row the one before ended on, each
message once, whatever status filter."""

from __future__ import annotations

from datetime import timedelta

from firstmate.adapters.clock import FixedClock
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.ports import Store
from firstmate.services import outbox_list
from tests.web.test_admin_outbox_reads import _entry, _store_all

ORGS = ["demo", "harbour", "reef"]


def _walk(store: Store, status: OutboxStatus | None, clock: FixedClock) -> tuple[list[str], list[str]]:
    """Every row, newest first, paged from the first page down by `after`, and from the oldest up by `before`."""
    down: list[OutboxEntry] = []
    page = outbox_list.list_page(store, ORGS, status=status, upto=clock.now(), limit=4)
    down += page.rows
    while page.older:
        page = outbox_list.list_page(
            store, ORGS, status=status, upto=clock.now(), after=outbox_list.place_of(page.rows[-1]), limit=4
        )
        down += page.rows
    up: list[OutboxEntry] = []
    page = outbox_list.list_page(store, ORGS, status=status, upto=clock.now(), oldest=True, limit=4)
    up = page.rows + up
    while page.newer:
        page = outbox_list.list_page(
            store, ORGS, status=status, upto=clock.now(), before=outbox_list.place_of(page.rows[0]), limit=4
        )
        up = page.rows + up
    return [f"{e.org}/{e.key}" for e in down], [f"{e.org}/{e.key}" for e in up]


def test_pages_follow_each_other_across_orgs_on_each_engine(store: Store, clock: FixedClock) -> None:
    statuses = [OutboxStatus.SENT, OutboxStatus.DEAD, OutboxStatus.PENDING]
    entries = [_entry(org, n // 2, clock, statuses[n % 3]) for n in range(15) for org in ORGS if (n + len(org)) % 2]
    _store_all(store, entries)  # two at each moment, in several orgs: ties broken by org, then key
    clock.advance(timedelta(hours=1))
    for status in (None, *statuses):
        listed = [e for e in entries if status in (None, e.status)]
        expected = [f"{e.org}/{e.key}" for e in sorted(listed, key=outbox_list.place_of, reverse=True)]
        down, up = _walk(store, status, clock)
        assert down == expected and up == expected, status
    newest, more = outbox_list.newest(store, ["harbour"], limit=3)
    assert [e.org for e in newest] == ["harbour"] * 3 and more  # one org's alone
    assert outbox_list.queued_since(store, ORGS, clock.now() - timedelta(hours=2)) == (len(entries), False)
