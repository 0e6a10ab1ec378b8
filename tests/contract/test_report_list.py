"""The admin reports page's lists read from a row's place on, on each engine: role reports newest day first
(then org, then role order) and weekly runs latest made first, across orgs, each page following the row the
one before ended on, each row once; runs stored before they were indexed listed all the same."""

from __future__ import annotations

from datetime import date, timedelta

from firstmate.domain.reports.document import ROLES
from firstmate.ports import Store
from firstmate.services import report_list
from tests.web.test_admin_reports_reads import _role_report, _run, _write

ORGS = ["demo", "harbour"]
DAY0 = date(2025, 1, 6)


def test_role_reports_and_runs_page_through_every_row_once_on_each_engine(store: Store) -> None:
    days = [DAY0 + timedelta(days=n) for n in range(5)]
    _write(store, [_role_report(org, role, day) for org in ORGS for day in days for role in ROLES[: 3 + len(org) % 3]])
    listed: list[tuple[str, str, str]] = []
    rows, more = report_list.role_reports_page(store, ORGS, limit=4)
    listed += [report_list.role_report_place(r) for r in rows]
    while more:
        rows, more = report_list.role_reports_page(store, ORGS, after=report_list.role_report_place(rows[-1]), limit=4)
        listed += [report_list.role_report_place(r) for r in rows]
    expected = sorted(listed, key=lambda p: (-date.fromisoformat(p[0]).toordinal(), p[1], ROLES.index(p[2])))
    assert listed == expected and len(set(listed)) == len(listed) == 5 * (4 + 4)  # demo 4 roles, harbour 4
    latest = report_list.latest_role_reports(store, ORGS)
    assert {(r["org"], r["role"]) for r in latest} == {(o, r) for o in ORGS for r in ROLES[: 3 + len(o) % 3]}
    assert {r["as_of"] for r in latest} == {days[-1].isoformat()}

    weeks = [DAY0 + timedelta(weeks=n) for n in range(6)]
    _write(store, [_run("demo", w, w + timedelta(days=7)) for w in weeks])
    _write(store, [_run("harbour", w, w + timedelta(days=8), indexed=False) for w in weeks])
    _write(store, [_run("demo", weeks[0], weeks[-1] + timedelta(days=9))])  # a backfill, made last

    def walk() -> list[str]:
        runs: list[str] = []
        rows, more = report_list.runs_page(store, ORGS, limit=5)
        runs += [r["run_id"] for r in rows]
        while more:
            rows, more = report_list.runs_page(store, ORGS, after=report_list.run_place(rows[-1]), limit=5)
            runs += [r["run_id"] for r in rows]
        return runs

    before = walk()  # harbour's runs not indexed yet: read whole, listed all the same
    assert len(before) == 13 and before[0].startswith(weeks[0].isoformat()) and len(set(before)) == 13
    assert report_list.index_runs_pending(store, ORGS) == "6 weekly runs indexed for the admin list"
    assert walk() == before and report_list.index_runs_pending(store, ORGS) == ""
