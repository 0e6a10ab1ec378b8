"""The listing of an org's older revenue lines by the sale they name goes on where it stopped: each run (an admin's
save, the hourly sweep) reads only lines no run read, on both stores (docs/reports.md, "Editing on the admin
pages")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.ports import Delete, Item, Put, Store
from firstmate.services.data_refs import data_pk, is_listed, list_refunds_pending, listed, refunds_left
from tests.conftest import store_on
from tests.reads import RecordingStore

ORG = "acme"
LINE = {"entity": "saltwind-charters", "recorded_on": "2026-05-01", "service_date": "2026-05-01", "amount": "900.00",
        "source": "direct", "deposit": False}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("dynamodb", marks=pytest.mark.aws)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from store_on(request, tmp_path, "refs", datetime(2026, 6, 1, 12, tzinfo=UTC))


def _older_lines(store: Store, count: int) -> None:
    """`count` revenue lines as an earlier firstmate stored them (the rows alone, listed nowhere): sales, and every
    tenth line a refund of the sale before it."""
    rows = [
        {**LINE, "id": f"L-{n:04d}", "reference": f"BK-{n:04d}"}
        if n % 10
        else {**LINE, "id": f"L-{n:04d}", "amount": "-900.00", "reference": f"BK-{n - 1:04d}"}
        for n in range(1, count + 1)
    ]
    writes = [Put(Item(data_pk(ORG), f"revenue#{row['id']}", row)) for row in rows]
    for start in range(0, len(writes), 25):  # 25 a transaction: moto's server is slow with more on a busy machine
        store.transact(writes[start : start + 25])


def test_an_org_larger_than_a_run_is_listed_over_runs_each_reading_only_new_lines(store: Store) -> None:
    """A review: the listing read the org's lines from the first each run, those listed before too, so an org of
    100,000 lines took 20 hourly runs, each reading them all. Now it goes on from the last line it listed: 600
    lines, 250 a run (a save's, then the sweep's; 60 and 25 on moto's slower server), are read in three runs,
    none read twice but the line each starts from; then a sale of the last run's is kept while its refund names it."""
    lines, most = (600, 250) if isinstance(store, SqliteStore) else (60, 25)
    _older_lines(store, lines)
    watched = RecordingStore(store)
    runs: list[set[str]] = []

    def run(step: Callable[[Store], object]) -> object:
        watched.read.clear()
        said = step(watched)  # type: ignore[arg-type]
        read = [sk for pk, sk in watched.read if pk == data_pk(ORG)]
        assert len(read) == len(set(read)), "a line read twice in one run"
        runs.append(set(read))
        return said

    assert run(lambda s: listed(s, ORG, most=most)) is False  # an admin's save: not all listed, so it reads them all
    assert run(lambda s: list_refunds_pending(s, [ORG], most=most)) == (
        f"{most} revenue lines listed by their sale; more next run ({ORG})"
    )
    assert not is_listed(store, ORG)
    left = lines - 2 * most
    assert run(lambda s: list_refunds_pending(s, [ORG], most=most)) == f"{left} revenue lines listed by their sale"
    assert is_listed(store, ORG)
    assert [len(read) for read in runs] == [most, most + 1, left + 1]  # each run reads again the line it starts at
    assert len(runs[0] & runs[1]) == 1 and len(runs[1] & runs[2]) == 1 and not runs[0] & runs[2]
    assert len(set().union(*runs)) == lines

    assert list_refunds_pending(store, [ORG]) == ""  # done: no run reads them again
    last = f"L-{lines:04d}"  # the last line: a refund of the one before it
    orphaned = refunds_left(store, ORG, "revenue", f"L-{lines - 1:04d}", None, "which would then be no sale")
    assert [e.where for e in orphaned] == [f"revenue row {last}"]
    assert [e.where for e in refunds_left(store, ORG, "revenue", "L-0009", None, "…")] == ["revenue row L-0010"]


def test_a_save_in_an_org_larger_than_a_save_lists_refuses_as_it_did_and_the_next_lists_on(tmp_path: Path) -> None:
    """An upgraded org of 1,200 older lines, more than a save lists (1,000): removing a sale whose refund is among
    the last lines is refused with the words it always had, the check reading every row; the next save lists the
    rest, is refused the same by the list, and the org is listed."""
    from firstmate.errors import DataRejected
    from firstmate.services.data import delete_row
    from firstmate.services.data_refs import SAVE_LISTS

    store = SqliteStore(tmp_path / "refs.db", FixedClock(datetime(2026, 6, 1, 12, tzinfo=UTC)))
    _older_lines(store, SAVE_LISTS + 200)
    for listed_after in (False, True):
        with pytest.raises(DataRejected) as refused:
            delete_row(store, ORG, "revenue", "L-1189")
        assert [(e.where, e.problem) for e in refused.value.errors] == [
            ("revenue row L-1190", "this refund names 'BK-1189', which would then be no sale: change or remove the "
             "refund first")
        ]  # fmt: skip
        assert is_listed(store, ORG) is listed_after
    store.close()


def test_a_refund_corrected_in_an_org_larger_than_a_save_lists_lists_a_save_s_worth_not_twice(tmp_path: Path) -> None:
    """A review: correcting a refund's amount checked twice whether the org was listed (the sale it names, then
    the refunds of what it was), each check listing 1,000 older lines: one save listed 2,000 where the docs say up
    to 1,000, on top of reading every row twice. It lists 1,000, and is refused as it was."""
    from firstmate.demo.run import demo_profile
    from firstmate.errors import DataRejected
    from firstmate.services.business import save_business
    from firstmate.services.data import save_row
    from firstmate.services.data_refs import SAVE_LISTS, refs_pk
    from firstmate.services.paging import all_items
    from firstmate.services.upgrades import upgrade_key

    clock = FixedClock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    store = SqliteStore(tmp_path / "refs.db", clock)
    profile = demo_profile()
    save_business(store, profile.model_copy(update={"org": profile.org.model_copy(update={"id": ORG})}))
    store.transact([Delete(*upgrade_key("data-refs", ORG))])  # an org an earlier firstmate made
    _older_lines(store, 2 * SAVE_LISTS + 500)
    refund = {**LINE, "id": "L-0010", "amount": "-800.00", "reference": "BK-0009"}  # its amount corrected
    save_row(store, ORG, "revenue", refund, clock=clock, replacing="L-0010")
    assert len(all_items(store, refs_pk(ORG))) == SAVE_LISTS  # the first 1,000 lines, each under its sale
    assert not is_listed(store, ORG)
    with pytest.raises(DataRejected) as refused:  # and a sale renamed from under its refund is refused as it was
        save_row(store, ORG, "revenue", {**LINE, "id": "L-0009", "reference": "BK-X"}, clock=clock, replacing="L-0009")
    assert [e.where for e in refused.value.errors] == ["revenue row L-0010"]
    store.close()


@pytest.fixture(params=[pytest.param("dynamodb", marks=pytest.mark.aws)])
def dynamodb(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from store_on(request, tmp_path, "refs", datetime(2026, 6, 1, 12, tzinfo=UTC))


def test_a_save_s_listing_on_dynamodb_writes_a_transaction_a_page_of_lines(dynamodb: Store) -> None:
    """A review: on DynamoDB an admin's first save in an upgraded org wrote its listings 25 a transaction, and where
    it got to after each page of 100 lines: 40 transactions and 10 writes for 1,000 lines. A page of 99 lines'
    listings and where it got to are now one transaction (DynamoDB takes 100 writes): 150 lines make two (where they
    made 6 and 2), then the record that the org is listed and the removal of where it got to; and their refunds keep
    their sales."""
    from firstmate.adapters.store.dynamodb.store import DynamoStore

    assert isinstance(dynamodb, DynamoStore)
    _older_lines(dynamodb, 150)
    calls: list[str] = []

    def called(event_name: str, **_: object) -> None:
        calls.append(event_name.rpartition(".")[2])

    dynamodb._db.meta.events.register("before-call.dynamodb", called)
    try:
        assert listed(dynamodb, ORG)  # an admin's save: the 150 lines, fewer than a save lists
    finally:
        dynamodb._db.meta.events.unregister("before-call.dynamodb", called)
    writes = [call for call in calls if call in ("TransactWriteItems", "PutItem", "DeleteItem", "BatchWriteItem")]
    assert writes == ["TransactWriteItems"] * 4  # each write of the store is a transaction
    for sale in ("L-0009", "L-0149"):  # the first page's, the second's
        orphaned = refunds_left(dynamodb, ORG, "revenue", sale, None, "which would then be no sale")
        assert [e.where for e in orphaned] == [f"revenue row L-{int(sale[2:]) + 1:04d}"]


def test_a_listing_goes_on_when_the_line_it_stopped_at_is_removed(tmp_path: Path) -> None:
    """A review: a listing that stopped at a line goes on from it, reading it again and passing over it. An admin
    who then removed that very line (a refund, the last of the 1,000 a save lists) left every later save and the
    hourly sweep failing with "a transaction holds at most 100 writes, got 101": the first page was 100 new lines
    and where it got to. The sweep lists the rest, and a sale's removal is refused as it was."""
    from firstmate.errors import DataRejected
    from firstmate.services.data import delete_row
    from firstmate.services.data_refs import SAVE_LISTS

    store = SqliteStore(tmp_path / "refs.db", FixedClock(datetime(2026, 6, 1, 12, tzinfo=UTC)))
    _older_lines(store, 2 * SAVE_LISTS + 300)
    assert listed(store, ORG) is False  # an admin's first save lists L-0001 … L-1000
    delete_row(store, ORG, "revenue", "L-2000")  # the next lists L-1001 … L-2000, then removes that refund
    assert list_refunds_pending(store, [ORG]) == "300 revenue lines listed by their sale"
    assert is_listed(store, ORG)
    with pytest.raises(DataRejected) as refused:
        delete_row(store, ORG, "revenue", "L-2199")
    assert [e.where for e in refused.value.errors] == ["revenue row L-2200"]
    store.close()
