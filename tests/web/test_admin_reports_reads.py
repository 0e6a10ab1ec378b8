"""The admin reports page reads the newest page of weekly runs and of role reports, not every run and every
role-report build since the business began: eight role reports a day are three thousand a year, and each
load read them all (on DynamoDB, the whole partition of each org)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.domain.reports.document import ROLES
from firstmate.jobs import sweep_expired
from firstmate.ports import Item, Put, Store
from tests.reads import RecordingStore, admin_browser

HTML = {"accept": "text/html"}
DAY0 = date(2025, 1, 6)  # a Monday
ROLE_LINK = re.compile(r'<li><a href="/admin/reports/([a-z-]+)/roles/([a-z_]+)/(\d{4}-\d{2}-\d{2})">')
RUN_LINK = re.compile(r"<code>([^<]+)</code></td><td>[^<]*</td></tr>")  # a run's id, then what it sent


def _write(store: Store, items: list[Item]) -> None:
    for start in range(0, len(items), 100):
        store.transact([Put(i) for i in items[start : start + 100]])


def _role_report(org: str, role: str, day: date) -> Item:
    data = {"title": role, "headline": f"{org} {role} {day}", "subject": "s", "findings": 1, "built_at": "x"}
    return Item(f"ORG#{org}#ROLEREPORTS", f"{role}#{day.isoformat()}", data)


def _run(org: str, week: date, made: date, *, indexed: bool = True) -> Item:
    run_id = f"{week.isoformat()}-{made:%Y%m%d}T070000-abc123"
    pulled = f"{made.isoformat()}T07:00:00.000000Z"
    index, order = (f"ORG#{org}#RUNS", f"{pulled}#{run_id}") if indexed else (None, None)  # as `intel` writes it
    data = {"week": week.isoformat(), "subject": f"{org} week of {week}", "pulled_at": pulled}
    return Item(f"ORG#{org}#INTEL", f"RUN#{run_id}", data, gsi1pk=index, gsi1sk=order)


@pytest.fixture
def admin(app: App) -> Iterator[tuple[App, RecordingStore, TestClient]]:
    store = RecordingStore(app.store)
    with admin_browser(app, store) as (watched, client):
        yield watched, store, client


def test_the_reports_page_reads_its_newest_page_and_links_to_older_ones(
    admin: tuple[App, RecordingStore, TestClient],
) -> None:
    app, store, client = admin
    for org in ("demo", "harbour"):
        app.store.put(Item("ORGS", org, {}))
    days = [DAY0 + timedelta(days=n) for n in range(300)]
    _write(app.store, [_role_report("demo", role, day) for day in days for role in ROLES])
    _write(app.store, [_role_report("harbour", role, day) for day in days[-20:] for role in ROLES[:2]])
    weeks = [DAY0 + timedelta(weeks=n) for n in range(260)]  # five years of Mondays, each made the day after
    _write(app.store, [_run("demo", week, week + timedelta(days=7)) for week in weeks])
    backfill = _run("demo", weeks[3], weeks[-1] + timedelta(days=9))  # an old week made last: listed first
    _write(app.store, [backfill, *(_run("harbour", w, w + timedelta(days=8), indexed=False) for w in weeks[-5:])])
    sweep_expired(app, app.clock.now())  # the hourly job gives harbour's older runs their index keys

    store.read.clear()
    first = client.get("/admin/reports", headers=HTML).text
    read = len(store.read)
    assert read <= 2 * 201 + 2 * 201 + 40, read  # the pages, a few rows more, each role's latest: not 2,680
    runs = RUN_LINK.findall(first)
    assert len(runs) == 200 and runs[0] == backfill.sk.removeprefix("RUN#")
    assert runs[1].startswith(weeks[-1].isoformat()) and runs[2].startswith(weeks[-1].isoformat())  # both orgs'
    earlier = ROLE_LINK.findall(first)
    newest_day = days[-1].isoformat()
    assert ("demo", "ceo", newest_day) not in earlier  # each role's latest has its own table
    assert earlier[0] == ("demo", "ceo", days[-2].isoformat()) and len(earlier) < 200

    older = [html.unescape(h) for h in re.findall(r'href="([^"]+)" rel="next"', first)]
    assert len(older) == 2  # one for each list
    store.read.clear()
    roles_page = client.get("/admin/reports" + next(h for h in older if "roles_after" in h), headers=HTML).text
    assert len(store.read) <= 2 * 201 + 2 * 201 + 40, len(store.read)
    more = ROLE_LINK.findall(roles_page)
    assert len(more) == 200 and not set(more) & set(earlier)
    order = [(-date.fromisoformat(d).toordinal(), o, ROLES.index(r)) for o, r, d in earlier + more]
    assert order == sorted(order)  # newest day first, then org, then role: each once, none skipped
    assert RUN_LINK.findall(roles_page) == runs  # the runs' list stays on its page
    runs_page = client.get("/admin/reports" + next(h for h in older if "runs_after" in h), headers=HTML).text
    assert RUN_LINK.findall(runs_page)[0] not in runs and len(RUN_LINK.findall(runs_page)) == 66  # 266 in all
    refused = client.get("/admin/reports?runs_after=nonsense", headers=HTML)
    assert refused.status_code == 422 and "is no place in the list" in refused.text


@pytest.mark.parametrize("place", ["2026-13-45 demo cfo", "2026-06-01T10:00 demo cfo", "1 demo cfo", "+ - -"])
def test_a_role_reports_place_that_names_no_day_is_refused_saying_so_not_a_server_error(
    admin: tuple[App, RecordingStore, TestClient], place: str
) -> None:
    """A role report's place is its day, org and role ("2026-06-01 demo cfo"): one whose first word passed the
    place's check but named no day (a month 13, a time, a lone digit: the check took any digits, T, :, ., -, +
    and Z) answered 500 Internal Server Error."""
    _, _, client = admin
    answer = client.get("/admin/reports", params={"roles_after": place})
    assert answer.status_code == 422, answer.text[:200]
    assert answer.json()["detail"] == f"roles_after {place!r} is no place in the list"
    assert client.get("/admin/reports", params={"roles_after": "2026-06-01 demo cfo"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "name", "place"),
    [
        ("/admin/outbox", "after", "2026-01-01T00:00:00.000000Z demo " + "bk:" * 1000),
        ("/admin/outbox", "before", "2026-01-01T00:00:00.000000Z demo " + "bk:" * 1000),
        ("/admin/reports", "runs_after", "2026-01-01T00:00:00Z " + "r" * 3000 + " demo"),
        ("/admin/reports", "roles_after", "2026-01-01 demo " + "cfo" * 1000),
    ],
)
def test_a_place_longer_than_any_row_s_is_refused_saying_what_to_do(
    admin: tuple[App, RecordingStore, TestClient], path: str, name: str, place: str
) -> None:
    """An outbox page link naming a message key of 3,000 characters was refused with the store's own words, "key
    too long: pk ≤ 2048 bytes, sk ≤ 1024 bytes", and no word of what to do; the reports' places took any
    length. Each is refused as the data pages' are, naming the place cut short and how to go on."""
    _, _, client = admin
    answer = client.get(path, params={name: place})
    assert answer.status_code == 422, answer.text[:200]
    said = answer.json()
    assert "is too long" in said["detail"] and len(said["detail"]) < 200 and "key too long" not in said["detail"]
    assert "first page" in said["hint"]


@pytest.mark.parametrize("upto", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_outbox_list_pinned_to_a_time_past_the_calendar_s_ends_is_refused_not_a_server_error(
    admin: tuple[App, RecordingStore, TestClient], upto: str
) -> None:
    """The outbox's page links pin the list to when its first page was read (`?upto=`, a time with its offset):
    one whose UTC falls before year 1 or after 9999 answered 500 Internal Server Error."""
    _, _, client = admin
    answer = client.get("/admin/outbox", params={"upto": upto})
    assert answer.status_code == 422, answer.text[:200]
    assert answer.json()["detail"] == f"upto {upto!r} is no time with its offset"
    assert client.get("/admin/outbox", params={"upto": "9999-12-31T23:59:59+00:00"}).status_code == 200
