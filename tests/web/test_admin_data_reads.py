"""The admin's business-data pages read from the store the page they show (and a row more), not every row of
the kind: a business with years of revenue lines and expenses read them all on every page load, save and
removal (on DynamoDB, the kind's whole range of the data partition), and the overview read every row of
every kind of every org to count them."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.datafiles import RawRow
from firstmate.services.access import admin_link_token
from firstmate.services.data import check_data, import_data
from firstmate.web.app import create_app
from tests.reads import RecordingStore, admin_browser

LINE = {"entity": "saltwind-charters", "recorded_on": "2026-05-01", "service_date": "2026-05-01", "amount": "10"}
ROW = re.compile(r"<tr><td>([A-Z]-\d+)</td>")


@pytest.fixture
def admin(demo_app: App) -> Iterator[tuple[App, RecordingStore, TestClient]]:
    rows = [RawRow("revenue.csv", n + 1, None, {**LINE, "id": f"R-{n:04d}"}) for n in range(1500)]
    rows += [RawRow("revenue.csv", n + 1501, None, {**LINE, "id": f"B-{n:04d}"}) for n in range(30)]
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", {"revenue.csv": rows}, clock=demo_app.clock))
    store = RecordingStore(demo_app.store)
    with admin_browser(demo_app, store) as (watched, client):
        yield watched, store, client


def _link(page: str, words: str) -> str:
    found = set(re.findall(rf'href="([^"]*)"[^>]*>{words}<', page))  # the pager above the rows and below
    assert len(found) == 1, found
    return "/admin/data/demo/revenue" + html.unescape(found.pop())


def _rows_read(store: RecordingStore) -> int:
    return sum(1 for pk, _ in store.read if pk.endswith("#DATA"))


def test_a_kind_page_reads_its_rows_not_every_row_of_the_kind(admin: tuple[App, RecordingStore, TestClient]) -> None:
    _, store, client = admin
    everyone = [f"B-{n:04d}" for n in range(30)] + [f"R-{n:04d}" for n in range(1500)]  # by id

    store.read.clear()
    first = client.get("/admin/data/demo/revenue").text
    assert ROW.findall(first) == everyone[:200]
    assert _rows_read(store) <= 201 + 2, _rows_read(store)  # the page and a row more: not 1,530

    store.read.clear()
    second = client.get(_link(first, "next")).text
    assert ROW.findall(second) == everyone[200:400] and _rows_read(store) <= 202 + 2, _rows_read(store)
    back = client.get(_link(second, "previous")).text
    assert ROW.findall(back) == everyone[:200]
    store.read.clear()
    last = client.get(_link(first, "last")).text
    assert ROW.findall(last) == everyone[-200:] and _rows_read(store) <= 201 + 2, _rows_read(store)

    store.read.clear()
    editing = client.get("/admin/data/demo/revenue?edit=R-0900").text  # the page from the row on, with its form
    assert "Change R-0900" in editing and ROW.findall(editing)[0] == "R-0900" and 'rel="prev"' in editing
    assert _rows_read(store) <= 201 + 5, _rows_read(store)

    store.read.clear()
    saved = client.post(
        "/admin/data/demo/revenue", data={**LINE, "id": "R-0900", "amount": "12", "_editing": "R-0900"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/data/demo/revenue?at=R-0900"
    assert ROW.findall(client.get(saved.headers["location"]).text)[0] == "R-0900"
    store.read.clear()
    removed = client.post("/admin/data/demo/revenue/R-0905/delete?at=R-0900", follow_redirects=False)
    assert removed.headers["location"] == "/admin/data/demo/revenue?at=R-0900"  # back to the page it was on
    page = client.get(removed.headers["location"]).text
    assert ROW.findall(page)[:6] == ["R-0900", "R-0901", "R-0902", "R-0903", "R-0904", "R-0906"]
    assert client.get("/admin/data/demo/revenue?page=3").text.count("<tr><td>") == 200  # an old address
    assert client.get("/admin/data/demo/revenue?page=9").status_code == 404

    store.read.clear()
    overview = client.get("/admin/data").text
    assert "more than 200" in overview and _rows_read(store) <= 10 * 201 + 5, _rows_read(store)


def test_a_search_reads_on_a_bounded_way_and_says_where_it_stopped(
    admin: tuple[App, RecordingStore, TestClient],
) -> None:
    _, store, client = admin
    store.read.clear()
    found = client.get("/admin/data/demo/revenue?q=b-").text  # by id, any case: the 30 B- rows come first
    assert ROW.findall(found) == [f"B-{n:04d}" for n in range(30)] and "search on" not in found

    store.read.clear()
    far = client.get("/admin/data/demo/revenue?q=r-149").text  # the last rows: all 1,530 read, within the bound
    assert ROW.findall(far) == [f"R-149{n}" for n in range(10)] and _rows_read(store) <= 1530 + 5

    some = client.get("/admin/data/demo/revenue?q=r-000").text  # 10 in the first 2,000 rows, 0 after them
    assert len(ROW.findall(some)) == 10 and "Searched" not in some

    store.read.clear()
    none = client.get("/admin/data/demo/revenue?q=zz").text
    assert "No row's id holds “zz”" in none and not ROW.findall(none)


def test_a_search_stops_after_its_bound_and_links_on(demo_app: App) -> None:
    rows = [RawRow("revenue.csv", n + 1, None, {**LINE, "id": f"R-{n:04d}"}) for n in range(4500)]
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", {"revenue.csv": rows}, clock=demo_app.clock))
    store = RecordingStore(demo_app.store)
    watched = dataclasses.replace(demo_app, store=store)  # type: ignore[arg-type]
    with TestClient(create_app(watched)) as client:
        token = admin_link_token(demo_app.secret_key, demo_app.clock.now())
        client.get(f"/admin/enter?t={token}", follow_redirects=False)
        first = client.get("/admin/data/demo/revenue?q=r-44").text  # R-4400 to R-4499 are past 2,000 rows
        assert not ROW.findall(first) and "Searched 2,000 rows and stopped before finding one" in first
        assert _rows_read(store) <= 2000 + 5, _rows_read(store)
        second = client.get(_link(first, "search on")).text
        assert not ROW.findall(second) and "Searched 2,000 rows" in second
        store.read.clear()
        third = client.get(_link(second, "search on")).text
        assert ROW.findall(third) == [f"R-44{n:02d}" for n in range(100)] and "search on" not in third
        assert _rows_read(store) <= 500 + 5, _rows_read(store)
        some = client.get("/admin/data/demo/revenue?q=440").text  # R-0440 and R-1440 in the first 2,000
        assert ROW.findall(some) == ["R-0440", "R-1440"] and "Searched 2,000 rows after these and stopped" in some
        rest = client.get(_link(some, "search on")).text
        assert ROW.findall(rest) == ["R-2440", "R-3440"] and "Searched 2,000 rows after these" in rest
        end = client.get(_link(rest, "search on")).text
        assert ROW.findall(end) == [*(f"R-440{n}" for n in range(10)), "R-4440"] and "Searched" not in end


@pytest.mark.parametrize("path", ["/admin/data/demo/revenue", "/admin/outbox"])
def test_a_page_number_past_any_list_is_refused_saying_so_not_a_server_error(
    admin: tuple[App, RecordingStore, TestClient], path: str
) -> None:
    """An address kept from before the pages named rows (`?page=N`) with a number of 20 digits answered 500
    Internal Server Error: the rows it follows were asked of the store with a limit SQLite cannot hold."""
    _, store, client = admin
    store.read.clear()
    answer = client.get(f"{path}?page=99999999999999999999")
    assert answer.status_code == 422, answer.text
    assert "page" in answer.json()["detail"] and "100000" in answer.json()["detail"].replace(",", "")
    assert _rows_read(store) == 0
    assert client.get(f"{path}?page=100000").status_code == 404  # the most a number may be: no such page
