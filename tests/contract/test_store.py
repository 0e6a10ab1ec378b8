"""The Store contract: every adapter must pass this suite unchanged."""

from __future__ import annotations

import multiprocessing as mp
import threading
from datetime import timedelta
from typing import Any

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.dynamodb import store as dynamodb_store
from firstmate.domain.shared import to_epoch
from firstmate.errors import ConditionFailed, InvalidInput
from firstmate.ports import (
    MAX_TRANSACTION_WRITES,
    Absent,
    Check,
    Delete,
    Exists,
    Item,
    Put,
    Store,
    VersionIs,
)

PK = "ORG#acme#THINGS"


def _item(sk: str, pk: str = PK, **data: Any) -> Item:
    return Item(pk=pk, sk=sk, data=data or {"name": sk})


def _all(store: Store, pk: str, prefix: str = "", *, limit: int = 100, reverse: bool = False) -> list[str]:
    keys: list[str] = []
    cursor: str | None = None
    while True:
        page = store.query(pk, prefix, limit=limit, cursor=cursor, reverse=reverse)
        assert len(page.items) <= limit
        keys += [i.sk for i in page.items]
        if page.cursor is None:
            return keys
        cursor = page.cursor


# -- get / put / versions ------------------------------------------------------------------------


def test_put_then_get_returns_the_item_with_version_one(store: Store) -> None:
    stored = store.put(Item(PK, "a", {"name": "Sea Lark", "seats": 6, "tags": ["x"], "ok": True}))
    assert stored.version == 1
    got = store.get(PK, "a")
    assert got is not None
    assert got.data == {"name": "Sea Lark", "seats": 6, "tags": ["x"], "ok": True}
    assert got.version == 1


def test_get_of_a_missing_key_is_none(store: Store) -> None:
    assert store.get(PK, "nothing") is None


def test_each_write_bumps_the_version(store: Store) -> None:
    store.put(_item("a"))
    store.put(_item("a", name="two"))
    third = store.put(_item("a", name="three"))
    assert third.version == 3
    assert store.get(PK, "a") == third


def test_get_many_answers_each_key_in_order_with_none_for_what_is_missing(store: Store) -> None:
    stored = [store.put(Item(f"ORG#acme#BK#{n}", "BOOKING", {"n": n})) for n in range(450)]
    keys = [(item.pk, item.sk) for item in reversed(stored)]  # more keys than one round trip takes
    keys[7:7] = [("ORG#acme#BK#none", "BOOKING"), (stored[3].pk, "EVENT"), keys[0]]  # missing twice, repeated
    got = store.get_many(keys)
    assert len(got) == len(keys)
    assert got[7] is None and got[8] is None
    assert got[9] == got[0] == store.get(*keys[0])
    assert [i.data["n"] for i in got if i is not None] == [449, 448, 447, 446, 445, 444, 443, 449, *range(442, -1, -1)]
    assert all(i.version == 1 for i in got if i is not None)
    assert store.get_many([]) == []


def test_get_many_skips_expired_items_and_refuses_a_bad_key(store: Store, clock: FixedClock) -> None:
    store.put(Item(PK, "brief", {}, ttl=to_epoch(clock.now() + timedelta(minutes=5))))
    store.put(Item(PK, "lasting", {}))
    clock.advance(timedelta(minutes=6))
    assert [i and i.sk for i in store.get_many([(PK, "brief"), (PK, "lasting")])] == [None, "lasting"]
    with pytest.raises(InvalidInput):
        store.get_many([(PK, "")])


def test_a_key_longer_than_keys_can_be_is_read_as_absent_and_an_empty_one_refused(store: Store) -> None:
    store.put(Item(PK, "a", {"n": 1}, gsi1pk="DUE", gsi1sk="a"))
    long_sk, long_pk = "é" * 513, "p" * 2049  # 1,026 bytes of sort key; 2,049 of partition key
    assert store.get(PK, long_sk) is None and store.get(long_pk, "a") is None
    assert [i and i.sk for i in store.get_many([(PK, long_sk), (PK, "a"), (long_pk, "a")])] == [None, "a", None]
    assert store.query(PK, long_sk).items == [] and store.query(long_pk).items == []
    assert store.query_index("DUE", long_sk).items == [] and store.query_index(long_pk).items == []
    for read in (lambda: store.get(PK, ""), lambda: store.get("", "a"), lambda: store.query("")):
        with pytest.raises(InvalidInput):
            read()


def test_absent_condition_creates_once_and_then_conflicts_leaving_the_first(store: Store) -> None:
    store.put(_item("k", name="first"), Absent())
    with pytest.raises(ConditionFailed):
        store.put(_item("k", name="second"), Absent())
    got = store.get(PK, "k")
    assert got is not None and got.data == {"name": "first"} and got.version == 1


def test_version_condition_detects_a_lost_update(store: Store) -> None:
    v1 = store.put(_item("k", n=1))
    store.put(_item("k", n=2), VersionIs(v1.version))
    with pytest.raises(ConditionFailed):
        store.put(_item("k", n=3), VersionIs(v1.version))  # stale: someone wrote version 2
    got = store.get(PK, "k")
    assert got is not None and got.data == {"n": 2} and got.version == 2


def test_version_condition_on_a_missing_item_fails(store: Store) -> None:
    with pytest.raises(ConditionFailed):
        store.put(_item("ghost"), VersionIs(1))
    assert store.get(PK, "ghost") is None


def test_exists_condition(store: Store) -> None:
    with pytest.raises(ConditionFailed):
        store.put(_item("k"), Exists())
    store.put(_item("k"))
    assert store.put(_item("k", n=2), Exists()).version == 2


def test_delete_with_and_without_condition(store: Store) -> None:
    store.put(_item("a"))
    with pytest.raises(ConditionFailed):
        store.transact([Delete(PK, "a", VersionIs(7))])
    assert store.get(PK, "a") is not None
    store.transact([Delete(PK, "a", VersionIs(1))])
    assert store.get(PK, "a") is None
    store.transact([Delete(PK, "a")])  # deleting nothing is fine
    assert store.put(_item("a")).version == 1  # a re-created item starts over


def test_index_keys_are_stored_and_returned(store: Store) -> None:
    store.put(Item(PK, "a", {"x": 1}, gsi1pk="CODE#AB12", gsi1sk="x"))
    got = store.get(PK, "a")
    assert got is not None and (got.gsi1pk, got.gsi1sk) == ("CODE#AB12", "x")


# -- transactions --------------------------------------------------------------------------------


def test_transaction_applies_every_write(store: Store) -> None:
    store.put(_item("old"))
    stored = store.transact(
        [Put(_item("a"), Absent()), Put(_item("b"), Absent()), Delete(PK, "old"), Check(PK, "z", Absent())]
    )
    assert [i.sk for i in stored] == ["a", "b"]
    assert _all(store, PK) == ["a", "b"]


def test_transaction_rolls_back_everything_when_one_condition_fails(store: Store) -> None:
    store.put(_item("taken", name="original"))
    store.put(_item("keep"))
    with pytest.raises(ConditionFailed) as failure:
        store.transact(
            [
                Put(_item("new-1"), Absent()),
                Delete(PK, "keep"),
                Put(_item("taken", name="overwritten"), Absent()),
                Put(_item("new-2")),
            ]
        )
    assert failure.value.index == 2
    assert _all(store, PK) == ["keep", "taken"]
    taken = store.get(PK, "taken")
    assert taken is not None and taken.data == {"name": "original"} and taken.version == 1


def test_transaction_check_guards_without_writing(store: Store) -> None:
    store.put(_item("guard"))
    with pytest.raises(ConditionFailed) as failure:
        store.transact([Put(_item("a")), Check(PK, "guard", VersionIs(5))])
    assert failure.value.index == 1
    assert store.get(PK, "a") is None


def test_a_transaction_of_checks_only_writes_nothing_and_still_checks(store: Store) -> None:
    store.put(_item("guard"))
    assert store.transact([Check(PK, "guard", Exists()), Check(PK, "free", Absent())]) == []
    with pytest.raises(ConditionFailed) as failure:
        store.transact([Check(PK, "guard", VersionIs(1)), Check(PK, "free", Exists())])
    assert failure.value.index == 1
    assert _all(store, PK) == ["guard"]


def test_conditions_see_an_expired_item_as_absent(store: Store, clock: FixedClock) -> None:
    stored = store.put(Item(PK, "link", {"n": 1}, ttl=to_epoch(clock.now() + timedelta(minutes=1))))
    clock.advance(timedelta(minutes=2))
    with pytest.raises(ConditionFailed):
        store.put(Item(PK, "link", {"n": 2}), VersionIs(stored.version))
    with pytest.raises(ConditionFailed):
        store.transact([Check(PK, "link", Exists())])
    assert store.put(Item(PK, "link", {"n": 3})).version == 1  # a plain put starts it over


def test_transaction_limits(store: Store) -> None:
    too_many = [Put(_item(f"k{i:03d}")) for i in range(MAX_TRANSACTION_WRITES + 1)]
    with pytest.raises(InvalidInput):
        store.transact(too_many)
    with pytest.raises(InvalidInput):
        store.transact([Put(_item("same")), Delete(PK, "same")])
    with pytest.raises(InvalidInput):
        store.transact([])
    assert _all(store, PK) == []
    assert len(store.transact(too_many[:MAX_TRANSACTION_WRITES])) == MAX_TRANSACTION_WRITES


def test_a_transaction_over_4_mb_with_its_keys_is_refused_and_writes_nothing(store: Store) -> None:
    """A review: DynamoDB counts a transaction's 4 MB by its items' whole sizes, keys included; the store counted
    their data alone, so 100 items of long keys and 38 KB of data each (4.4 MB) were taken by SQLite and refused
    by DynamoDB with its own error. Both stores count the keys and refuse it alike."""
    long_pk, index_pk = "P" * 2000, "G" * 2000

    def big(n: int) -> Item:
        return Item(
            long_pk, f"{n:03d}" + "s" * 997, {"text": "x" * 38_000}, gsi1pk=index_pk, gsi1sk=f"{n:03d}" + "g" * 997
        )

    with pytest.raises(InvalidInput, match="a transaction writes at most"):
        store.transact([Put(big(n)) for n in range(MAX_TRANSACTION_WRITES)])
    assert store.query(long_pk).items == []
    assert len(store.transact([Put(big(n)) for n in range(80)])) == 80  # 3.5 MB: taken by both


def test_bad_items_are_refused_and_change_nothing(store: Store) -> None:
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "a", {"when": object()}))
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "a", {"blob": "x" * 500_000}))
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "", {}))
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "a", {}, gsi1pk="only-half"))
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "a", {}, gsi1pk="", gsi1sk=""))
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "é" * 600, {}))  # 1,200 bytes: over the sort-key limit
    with pytest.raises(InvalidInput):
        store.put(Item(PK, "a", {"text": "é" * 210_000}))  # 420 KB in UTF-8
    # an index key over DynamoDB's key sizes: refused as such on every store (DynamoDB's own error was
    # generic, and SQLite took it, so a key made of long user input worked on a laptop and failed on AWS)
    with pytest.raises(InvalidInput, match="index key too long"):
        store.put(Item(PK, "a", {}, gsi1pk="EMAIL#" + "x" * 2050, gsi1sk="s"))
    with pytest.raises(InvalidInput, match="index key too long"):
        store.put(Item(PK, "a", {}, gsi1pk="p", gsi1sk="é" * 520))
    assert store.get(PK, "a") is None


# -- queries and pagination ----------------------------------------------------------------------


def test_query_pages_through_a_prefix_in_order_exactly_once(store: Store) -> None:
    for i in range(23):
        store.put(_item(f"EVENT#{i:03d}"))
    store.put(_item("GUEST#001"))
    store.put(_item("EVENT#x", pk="ORG#other#THINGS"))
    expected = [f"EVENT#{i:03d}" for i in range(23)]
    assert _all(store, PK, "EVENT#", limit=5) == expected
    assert _all(store, PK, "EVENT#", limit=5, reverse=True) == expected[::-1]
    assert _all(store, PK, "EVENT#", limit=100) == expected
    assert _all(store, PK) == [*expected, "GUEST#001"]


def test_prefix_is_a_true_prefix(store: Store) -> None:
    for sk in ["A#1", "A#10", "A#2", "A#", "B#1", "A"]:
        store.put(_item(sk))
    assert _all(store, PK, "A#1") == ["A#1", "A#10"]
    assert _all(store, PK, "A#") == ["A#", "A#1", "A#10", "A#2"]


def test_a_prefix_takes_every_key_that_begins_with_it_whatever_follows(store: Store) -> None:
    # U+10FFFF right after the prefix: it was the local store's upper bound, so such a key was left out of
    # its kind's listing (an admin page's rows) while the whole partition's read counted it
    top = "\U0010ffff"
    for sk in (f"revenue#{top}X", "revenue#R-1", f"revenue{top}", f"{top}", "revenuf#A"):
        store.put(Item(PK, sk, {"n": 1}, gsi1pk="IDX", gsi1sk=sk))
    assert _all(store, PK, "revenue#") == ["revenue#R-1", f"revenue#{top}X"]
    assert _all(store, PK, "revenue") == ["revenue#R-1", f"revenue#{top}X", f"revenue{top}"]
    assert _all(store, PK, top) == [top]
    assert [i.gsi1sk for i in store.query_index("IDX", "revenue#").items] == ["revenue#R-1", f"revenue#{top}X"]
    assert len(_all(store, PK)) == 5


def test_query_prefixes_reads_every_key_under_any_prefix_once_in_order(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dynamodb_store, "PREFIX_PAGE", 7)  # the DynamoDB adapter's pages, a few keys each
    top = "\U0010ffff"
    for n in range(1, 13):  # the waiting lists of a trip's crew: deck-1 is no prefix of deck-10's keys
        store.put(_item(f"crew-asked:deck-{n}:b1"))
        store.put(_item(f"crew-asked:deck-{n}:b2:2"))
    store.put(_item("crew-asked:deck-1x:b1"))
    store.put(_item("crew-asked:deck-1:é"))
    store.put(_item(f"crew-asked:deck-2:{top}"))
    store.put(_item("crew-asked:deck-3:b1", pk="ORG#other#THINGS"))
    store.put(Item(PK, "crew-asked:deck-3:gone", {}, ttl=to_epoch(clock.now() + timedelta(minutes=5))))
    store.transact([Put(_item(f"crew-asked:deck-12:many-{n:04d}")) for n in range(30)])
    clock.advance(timedelta(minutes=6))
    wanted = ["crew-asked:deck-3:", "crew-asked:deck-1:", "crew-asked:deck-2:", "crew-asked:deck-1:", "nobody:"]
    read = [i.sk for i in store.query_prefixes(PK, [*wanted, "crew-asked:deck-12:", "crew-asked:deck-12:many-0"])]
    many = [f"crew-asked:deck-12:many-{n:04d}" for n in range(30)]
    assert read == [  # ":" sorts after "2": deck-12's keys before deck-1's
        "crew-asked:deck-12:b1", "crew-asked:deck-12:b2:2", *many,
        "crew-asked:deck-1:b1", "crew-asked:deck-1:b2:2", "crew-asked:deck-1:é",
        "crew-asked:deck-2:b1", "crew-asked:deck-2:b2:2", f"crew-asked:deck-2:{top}",
        "crew-asked:deck-3:b1", "crew-asked:deck-3:b2:2",
    ]  # fmt: skip
    assert store.query_prefixes(PK, []) == [] and store.query_prefixes(PK, ["x" * 1025]) == []
    with pytest.raises(InvalidInput):
        store.query_prefixes(PK, ["crew-asked:deck-1:", ""])
    with pytest.raises(InvalidInput):
        store.query_prefixes("", ["crew-asked:"])


@pytest.mark.aws
def test_on_dynamodb_a_trips_crew_lists_are_read_one_query_each_asked_side_by_side(
    aws: object, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trip with 8 crew cancelled: DynamoDB's key condition takes one prefix, so their waiting lists are 8 Query
    calls (no fewer: each list's key names an import no one knows, and one range over them would read the lists of
    everyone in between). They were asked one after another; they are asked side by side, and each waits here until
    all 8 are in flight together (asked in turn, the first would wait for the others for ever: the barrier breaks)."""
    from firstmate.adapters.aws.resources import create_resources
    from tests.contract.conftest import DynamoFactory
    from tests.moto_server import REGION, MotoServer

    assert isinstance(aws, MotoServer)
    monkeypatch.setattr(dynamodb_store, "PREFIX_PAGE", 2)  # pages too: 3 lists a person
    create_resources(REGION, table="contract", bucket="contract-data", archive_bucket="contract-archive")
    store = DynamoFactory("contract", aws.url)(clock)
    assert isinstance(store, dynamodb_store.DynamoStore)
    crew = [f"crew-asked:deck-{n}:" for n in range(1, 9)]
    store.transact([Put(_item(f"{prefix}b{n}")) for prefix in crew for n in range(3)])
    store.put(_item("crew-asked:deck-10:b0"))  # another's, between them: not read
    asked: list[str] = []
    together = threading.Barrier(len(crew), timeout=60)

    def side_by_side(params: dict[str, Any], **_: object) -> None:
        if params.get("ExclusiveStartKey") is None:  # a person's first page
            asked.append(params["ExpressionAttributeValues"][":prefix"]["S"])
            together.wait()

    store._db.meta.events.register("before-parameter-build.dynamodb.Query", side_by_side)
    read = [i.sk for i in store.query_prefixes(PK, list(reversed(crew)))]
    assert read == [f"{prefix}b{n}" for prefix in sorted(crew) for n in range(3)]
    assert sorted(asked) == sorted(crew)  # one Query a person (and a second page each)


def test_query_between_pages_through_a_range_of_sort_keys_both_ends_included(store: Store, clock: FixedClock) -> None:
    days = ["2026-06-01T23", "2026-06-02", "2026-06-02#a", "2026-06-02#b", "2026-06-03", "2026-06-03#a", "2026-06-04"]
    for sk in days:
        store.put(_item(sk))
    store.put(Item(PK, "2026-06-02#brief", {}, ttl=to_epoch(clock.now() + timedelta(minutes=5))))
    store.put(_item("2026-06-02#c", pk="ORG#other#THINGS"))
    clock.advance(timedelta(minutes=6))  # the brief one has expired
    for limit, reverse in [(n, r) for n in (1, 2, 100) for r in (False, True)]:
        keys: list[str] = []
        cursor: str | None = None
        while True:
            page = store.query_between(PK, "2026-06-02", "2026-06-03", limit=limit, cursor=cursor, reverse=reverse)
            assert len(page.items) <= limit
            keys += [i.sk for i in page.items]
            if page.cursor is None:
                break
            cursor = page.cursor
        listed = ["2026-06-02", "2026-06-02#a", "2026-06-02#b", "2026-06-03"]
        assert keys == (listed[::-1] if reverse else listed), reverse  # descending from the range's end
    assert store.query_between(PK, "2026-06-04", "2026-06-01").items == []  # ends before it starts
    assert [i.sk for i in store.query_between(PK, "2026-06-04", "2026-06-04").items] == ["2026-06-04"]


def test_query_between_refuses_an_empty_bound_and_another_ranges_cursor(store: Store) -> None:
    for sk in ["a", "b", "c", "x", "y"]:
        store.put(_item(sk))
    with pytest.raises(InvalidInput):
        store.query_between(PK, "", "c")
    below, above = store.query_between(PK, "a", "c", limit=1), store.query_between(PK, "x", "y", limit=1)
    assert below.cursor is not None and above.cursor is not None
    for cursor in (below.cursor, store.query(PK, "", limit=1).cursor):
        with pytest.raises(InvalidInput):
            store.query_between(PK, "x", "z", cursor=cursor)  # from below the range, or of another kind of read
    with pytest.raises(InvalidInput):
        store.query_between(PK, "a", "c", cursor=above.cursor)
    with pytest.raises(InvalidInput):
        store.query_between(PK, "a", "z" * 1025)  # longer than a sort key can be


def test_query_between_orders_by_utf8_bytes(store: Store) -> None:
    for sk in ["é", "z", "a", "B", "b", "😀"]:
        store.put(_item(sk))
    assert [i.sk for i in store.query_between(PK, "b", "é").items] == ["b", "z", "é"]


def test_sort_order_is_utf8_byte_order(store: Store) -> None:
    for sk in ["é", "z", "a", "B", "b"]:
        store.put(_item(sk))
    assert _all(store, PK) == ["B", "a", "b", "z", "é"]


def test_query_index_with_prefix_ties_and_pages(store: Store) -> None:
    for i in range(7):
        store.put(Item(f"ORG#o{i}#X", "item", {"i": i}, gsi1pk="DUE", gsi1sk=f"2026-06-0{1 + i % 3}"))
    store.put(Item(PK, "not-indexed", {}))
    store.put(Item(PK, "other-index", {}, gsi1pk="ELSE", gsi1sk="2026-06-01"))
    seen: list[tuple[str, str]] = []
    cursor: str | None = None
    while True:
        page = store.query_index("DUE", limit=2, cursor=cursor)
        seen += [(i.gsi1sk or "", i.pk) for i in page.items]
        if page.cursor is None:
            break
        cursor = page.cursor
    assert len(seen) == 7 and len(set(seen)) == 7
    assert [g for g, _ in seen] == sorted(g for g, _ in seen)
    only_first = store.query_index("DUE", "2026-06-01").items
    assert sorted(i.data["i"] for i in only_first) == [0, 3, 6]


def test_query_index_in_reverse_pages_from_the_far_end(store: Store) -> None:
    for i in range(7):
        store.put(Item(f"ORG#o{i}#X", "item", {"i": i}, gsi1pk="DUE", gsi1sk=f"2026-06-0{1 + i % 4}"))
    store.put(Item(PK, "other-index", {}, gsi1pk="ELSE", gsi1sk="2026-06-09"))
    seen: list[tuple[str, str]] = []
    cursor: str | None = None
    while True:
        page = store.query_index("DUE", limit=3, cursor=cursor, reverse=True)
        seen += [(i.gsi1sk or "", i.pk) for i in page.items]
        if page.cursor is None:
            break
        cursor = page.cursor
    assert len(seen) == 7 and len(set(seen)) == 7
    assert [g for g, _ in seen] == sorted((g for g, _ in seen), reverse=True)
    assert [i.data["i"] for i in store.query_index("DUE", "2026-06-01", reverse=True).items] == [4, 0]


def test_query_index_between_pages_a_range_both_ways_both_ends_included(store: Store, clock: FixedClock) -> None:
    # an admin list read from a row's place onwards, a page at a time, rather than from the index's end
    places = ["a#2026-06-01", "a#2026-06-02#x", "a#2026-06-02#y", "a#2026-06-03", "a#2026-06-04", "b#2026-06-02"]
    for n, g in enumerate(places):
        store.put(Item(f"ORG#o{n}#X", "item", {"n": n}, gsi1pk="LISTED", gsi1sk=g))
    store.put(Item(PK, "tie", {}, gsi1pk="LISTED", gsi1sk="a#2026-06-03"))  # the same place, another item
    brief = to_epoch(clock.now() + timedelta(minutes=5))
    store.put(Item(PK, "brief", {}, gsi1pk="LISTED", gsi1sk="a#2026-06-02#z", ttl=brief))
    store.put(Item(PK, "other-index", {}, gsi1pk="ELSE", gsi1sk="a#2026-06-02"))
    clock.advance(timedelta(minutes=6))  # the brief one has expired
    expected = [("a#2026-06-02#x", "ORG#o1#X"), ("a#2026-06-02#y", "ORG#o2#X"), ("a#2026-06-03", PK),
                ("a#2026-06-03", "ORG#o3#X")]  # fmt: skip
    for reverse in (False, True):
        for limit in (1, 2, 100):
            seen: list[tuple[str, str]] = []
            cursor: str | None = None
            while True:
                page = store.query_index_between(
                    "LISTED", "a#2026-06-02", "a#2026-06-03", limit=limit, cursor=cursor, reverse=reverse
                )
                assert len(page.items) <= limit
                seen += [(i.gsi1sk or "", i.pk) for i in page.items]
                if page.cursor is None:
                    break
                cursor = page.cursor
            assert seen == (expected[::-1] if reverse else expected)
    assert store.query_index_between("LISTED", "a#2026-06-04", "a#2026-06-01").items == []  # ends before it starts
    assert [i.data["n"] for i in store.query_index_between("LISTED", "b#", "b$").items] == [5]
    with pytest.raises(InvalidInput):
        store.query_index_between("LISTED", "", "b")
    above = store.query_index_between("LISTED", "a#2026-06-04", "b$", limit=1)
    assert above.cursor is not None
    with pytest.raises(InvalidInput):
        store.query_index_between("LISTED", "a#", "a#2026-06-02", cursor=above.cursor)  # another range's


def test_a_cursor_from_elsewhere_is_refused(store: Store) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b'{"t":"q"}').decode().rstrip("=")
    for cursor in ("not-a-cursor", forged, "e30"):
        with pytest.raises(InvalidInput):
            store.query(PK, cursor=cursor)
        with pytest.raises(InvalidInput):
            store.query_index("DUE", cursor=cursor)
    with pytest.raises(InvalidInput):
        store.query(PK, limit=0)


def test_a_cursor_of_another_prefix_or_of_no_place_is_refused(store: Store) -> None:
    """A review: DynamoDB refuses a query whose start key lies outside its key condition ("The provided
    starting key is outside query boundaries"), or holds an empty or overlong key part, and the store
    said "DynamoDB refused" (a server error) where SQLite gave a page. Both refuse such a cursor alike."""
    import base64
    import json

    for sk in ["a#1", "a#2", "b#1", "b#2"]:
        store.put(Item(PK, sk, {}, gsi1pk="LISTED", gsi1sk=sk))
    of_a = store.query(PK, "a#", limit=1).cursor
    of_a_index = store.query_index("LISTED", "a#", limit=1).cursor
    assert of_a is not None and of_a_index is not None
    with pytest.raises(InvalidInput, match="another"):
        store.query(PK, "b#", cursor=of_a)
    with pytest.raises(InvalidInput, match="another"):
        store.query(PK, "b#", cursor=of_a, reverse=True)
    with pytest.raises(InvalidInput, match="another"):
        store.query_index("LISTED", "b#", cursor=of_a_index)

    def forged(position: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")

    for cursor in (forged({"t": "q", "sk": ""}), forged({"t": "q", "sk": "é" * 600})):
        with pytest.raises(InvalidInput):
            store.query(PK, cursor=cursor)
    for cursor in (
        forged({"t": "i", "g": "a#1", "pk": "", "sk": "s"}),
        forged({"t": "i", "g": "", "pk": PK, "sk": "s"}),
    ):
        with pytest.raises(InvalidInput):
            store.query_index("LISTED", cursor=cursor)
    # the cursors of the query they came from still page on
    assert [i.sk for i in store.query(PK, "a#", cursor=of_a).items] == ["a#2"]
    assert [i.sk for i in store.query_index("LISTED", "a#", cursor=of_a_index).items] == ["a#2"]


# -- ttl -----------------------------------------------------------------------------------------


def test_expired_items_read_as_absent_everywhere(store: Store, clock: FixedClock) -> None:
    expires = to_epoch(clock.now() + timedelta(minutes=10))
    store.put(Item(PK, "link", {"jti": "abc"}, ttl=expires, gsi1pk="LINK", gsi1sk="abc"))
    store.put(Item(PK, "keep", {}))
    assert store.get(PK, "link") is not None
    clock.advance(timedelta(minutes=11))
    assert store.get(PK, "link") is None
    assert _all(store, PK) == ["keep"]
    assert store.query_index("LINK").items == []
    # an expired item no longer blocks a create, and its successor starts at version 1
    assert store.put(Item(PK, "link", {"jti": "new"}), Absent()).version == 1


def test_pages_among_expired_items_hold_the_same_live_items_on_every_store(store: Store, clock: FixedClock) -> None:
    """DynamoDB keeps an expired item (and returns it to a query) until its own TTL deletes it, days later;
    SQLite's reads leave it out. A page of `limit` is as full, in the same order, either way: expired items
    between live ones, one expiring this very second, and ranges and index pages are read past."""
    now = to_epoch(clock.now())
    for n in range(12):
        ttl = None if n % 4 == 0 else now if n % 4 == 1 else now - 60 if n % 4 == 2 else now + 60
        store.put(Item(PK, f"day#{n:02d}", {"n": n}, ttl=ttl, gsi1pk="DAYS", gsi1sk=f"day#{n:02d}"))
    live = [f"day#{n:02d}" for n in range(12) if n % 4 in (0, 3)]

    def pages(read: Any) -> list[list[str]]:
        found, cursor = [], None
        while True:
            page = read(cursor)
            found.append([i.sk for i in page.items])
            if page.cursor is None:
                return found
            cursor = page.cursor

    expected = [live[i : i + 2] for i in range(0, len(live), 2)]
    assert pages(lambda c: store.query(PK, "day#", limit=2, cursor=c)) == expected
    assert [
        sk for page in pages(lambda c: store.query(PK, "day#", limit=2, cursor=c, reverse=True)) for sk in page
    ] == (live[::-1])
    assert [
        sk for page in pages(lambda c: store.query_between(PK, "day#01", "day#10", limit=1, cursor=c)) for sk in page
    ] == ([sk for sk in live if "day#01" <= sk <= "day#10"])
    assert [sk for page in pages(lambda c: store.query_index("DAYS", limit=3, cursor=c)) for sk in page] == live
    between = pages(lambda c: store.query_index_between("DAYS", "day#02", "day#11", limit=2, cursor=c, reverse=True))
    assert [sk for page in between for sk in page] == [sk for sk in live[::-1] if "day#02" <= sk <= "day#11"]
    assert [i.sk if i else None for i in store.get_many([(PK, "day#01"), (PK, "day#03")])] == [None, "day#03"]
    with pytest.raises(ConditionFailed):
        store.put(Item(PK, "day#01", {}), Exists())  # expiring at this second: gone on both
    assert store.put(Item(PK, "day#01", {}), Absent()).version == 1


def test_sweep_removes_only_expired_items(store: Store, clock: FixedClock) -> None:
    soon = to_epoch(clock.now() + timedelta(seconds=30))
    later = to_epoch(clock.now() + timedelta(days=1))
    for i in range(5):
        store.put(Item(PK, f"soon{i}", {}, ttl=soon))
    store.put(Item(PK, "later", {}, ttl=later))
    store.put(Item(PK, "forever", {}))
    store.sweep_expired()
    assert _all(store, PK) == ["forever", "later", *(f"soon{i}" for i in range(5))]
    clock.advance(timedelta(minutes=1))
    assert store.sweep_expired() >= 0  # an engine with native TTL may have deleted them already
    store.sweep_expired()
    assert _all(store, PK) == ["forever", "later"]
    assert store.put(Item(PK, "soon0", {}), Absent()).version == 1


# -- concurrency ---------------------------------------------------------------------------------


def test_threads_racing_for_one_conditional_write_one_wins(store: Store) -> None:
    threads = 12
    barrier = threading.Barrier(threads)
    winners: list[int] = []
    losers: list[int] = []

    def race(n: int) -> None:
        barrier.wait()
        try:
            store.put(Item(PK, "captain", {"holder": n}), Absent())
        except ConditionFailed:
            losers.append(n)
        else:
            winners.append(n)

    pool = [threading.Thread(target=race, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert len(winners) == 1 and len(losers) == threads - 1
    got = store.get(PK, "captain")
    assert got is not None and got.data == {"holder": winners[0]} and got.version == 1


def _increment(store: Store, times: int) -> None:
    for _ in range(times):
        while True:
            current = store.get(PK, "counter")
            assert current is not None
            try:
                store.put(Item(PK, "counter", {"n": current.data["n"] + 1}), VersionIs(current.version))
                break
            except ConditionFailed:
                continue


def test_optimistic_increments_from_many_threads_lose_nothing(store: Store) -> None:
    store.put(Item(PK, "counter", {"n": 0}))
    pool = [threading.Thread(target=_increment, args=(store, 25)) for _ in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    got = store.get(PK, "counter")
    assert got is not None and got.data["n"] == 200 and got.version == 201


def _process_race(factory: Any, start: Any, results: Any, tag: str, threads: int) -> None:
    store = factory()
    barrier = threading.Barrier(threads)
    outcome: list[str] = []

    def race(n: int) -> None:
        barrier.wait()
        start.wait()
        try:
            store.put(Item(PK, "slot", {"holder": f"{tag}-{n}"}), Absent())
            outcome.append(f"win:{tag}-{n}")
        except ConditionFailed:
            outcome.append("lose")

    pool = [threading.Thread(target=race, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put(outcome)


def _process_increment(factory: Any, times: int) -> None:
    _increment(factory(), times)


@pytest.mark.slow
def test_processes_and_threads_racing_for_one_conditional_write_one_wins(store: Store, store_factory: Any) -> None:
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    results = ctx.Queue()
    procs = [ctx.Process(target=_process_race, args=(store_factory, start, results, f"p{p}", 8)) for p in range(3)]
    for p in procs:
        p.start()
    start.set()
    outcomes = [o for _ in procs for o in results.get(timeout=60)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    wins = [o for o in outcomes if o.startswith("win:")]
    assert len(outcomes) == 24
    assert len(wins) == 1
    got = store.get(PK, "slot")
    assert got is not None and f"win:{got.data['holder']}" == wins[0]


@pytest.mark.slow
def test_optimistic_increments_from_two_processes_lose_nothing(store: Store, store_factory: Any) -> None:
    store.put(Item(PK, "counter", {"n": 0}))
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_process_increment, args=(store_factory, 40)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    got = store.get(PK, "counter")
    assert got is not None and got.data["n"] == 80


# -- change marker -------------------------------------------------------------------------------


def _process_put(factory: Any, sk: str) -> None:
    factory().put(_item(sk))


def test_change_marker_moves_with_every_commit_from_anywhere_and_only_then(store: Store, store_factory: Any) -> None:
    first = store.change_marker()
    if first is None:  # a store that cannot tell says so every time, and views built on it are read afresh
        store.put(_item("k"))
        assert store.change_marker() is None
        return
    store.get(PK, "k")
    store.query(PK)
    with pytest.raises(ConditionFailed):
        store.put(_item("k"), Exists())  # refused: nothing committed
    assert store.change_marker() == first

    store.put(_item("k"))
    after_put = store.change_marker()
    store.transact([Put(_item("t")), Delete(PK, "k")])
    after_transaction = store.change_marker()
    other = store_factory()  # another connection of this process, as a web server's other threads have
    other.put(_item("o"))
    getattr(other, "close", lambda: None)()
    after_other = store.change_marker()
    process = mp.get_context("spawn").Process(target=_process_put, args=(store_factory, "p"))
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0
    markers = [first, after_put, after_transaction, after_other, store.change_marker()]
    assert len(set(markers)) == len(markers)
    assert store.change_marker() == markers[-1]

    closed = getattr(store, "close", None)
    if callable(closed):  # a store closed and used again starts afresh: its markers must not repeat
        closed()
        other = store_factory()
        other.put(_item("after-close"))
        getattr(other, "close", lambda: None)()
        assert store.change_marker() not in markers
