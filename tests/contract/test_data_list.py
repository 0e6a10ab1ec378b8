"""The admin's business-data pages read from a row's place on, on each engine: by id, each page following
the row the one before ended on (or preceding the one it began at), each row once, and a search that stops
after its bound at the row it read last and goes on from there."""

from __future__ import annotations

from typing import Any

from firstmate.ports import Item, Put, Store
from firstmate.services.data import data_pk
from firstmate.services.data_list import DataListing, list_rows

LINE = {"entity": "saltwind-charters", "recorded_on": "2026-05-01", "service_date": "2026-05-01", "amount": "10"}


def _ids(store: Store, **how: Any) -> tuple[list[str], DataListing]:
    page = list_rows(store, "demo", "revenue", limit=4, **how)
    return [key for key, _ in page.rows], page


def test_pages_follow_each_other_both_ways_and_a_search_stops_where_it_says(store: Store) -> None:
    ids = [f"R-{n:02d}" for n in range(11)] + ["R/slash", "é-1"]
    store.transact([Put(Item(data_pk("demo"), f"revenue#{i}", {**LINE, "id": i})) for i in ids])
    store.put(Item(data_pk("demo"), "revenue2#R-00", {}))  # another kind, sorting just after: never listed
    down, page = _ids(store)
    while page.later:
        more, page = _ids(store, after=page.last)
        down += more
    up, page = _ids(store, last_page=True)
    while page.earlier:
        more, page = _ids(store, before=page.first)
        up = more + up
    assert down == ids and up == ids
    assert _ids(store, at="R-05")[0] == ["R-05", "R-06", "R-07", "R-08"]
    assert _ids(store, after="ÿ")[0] == ids[-4:]  # every row after it has gone: the last page

    def nines(key: str) -> bool:
        return key.endswith("9") or key == "é-1"

    found, page = _ids(store, matches=nines, most=5)
    assert found == [] and page.stopped == "after" and page.last == "R-04"  # read 5 rows, found none
    found, page = _ids(store, after="R-04", matches=nines, most=5)
    assert found == ["R-09"] and page.stopped == "after"
    found, page = _ids(store, after=page.last, matches=nines, most=5)
    assert found == ["é-1"] and not page.stopped and not page.later
