"""Role reports as a user meets them: the data folder through the real CLI, the eight reports on
disk, the send ledger, and the admin pages."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.demo.business_data import write_demo_data
from firstmate.domain.datafiles import KINDS
from firstmate.domain.reports.document import ROLES
from firstmate.errors import BlobError, NotFound
from firstmate.ports import BlobInfo, Delete
from firstmate.reports.serial import data_file
from firstmate.services import outbox
from firstmate.services.data import check_data, data_rows, import_data
from firstmate.services.reports import run_role_reports
from tests.e2e.conftest import DEMO_DATA_DAY, DEMO_DATA_NOW
from tests.e2e.test_cli import run
from tests.failing_blobs import FailingWrites

TODAY = DEMO_DATA_DAY
#: what data is checked against (its rows record what happened by then), whatever the app's clock says
ON_THE_DATA_DAY = FixedClock(DEMO_DATA_NOW)
#: Monday 23 November 2026, noon in the demo business's zone: TODAY's week has ended
AFTER_TODAY = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


def test_the_template_imports_as_written_and_a_second_import_changes_nothing(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    written = run(home, "data", "template", str(folder))
    assert written.returncode == 0, written.stderr
    assert {p.name for p in folder.iterdir()} >= {"README.md", "invoices.csv", "business.yaml", "infrastructure.yaml"}
    assert "saltwind-charters" in (folder / "expenses.csv").read_text()  # filled with this org's own ids

    first = run(home, "data", "import", str(folder))
    assert first.returncode == 0, first.stderr
    second = run(home, "data", "import", str(folder))
    assert second.returncode == 0, second.stderr
    assert "0 change(s)" in second.stdout

    again = run(home, "data", "template", str(folder))
    assert again.returncode == 2 and "--force" in again.stderr  # never overwrites a user's edits silently


def test_the_template_names_every_column_a_file_takes(home: Path, tmp_path: Path) -> None:
    """Found by a review: deliveries.csv's template had no billed_on or collected_on, and infrastructure.yaml's no
    currency, public, cheaper_alternative or alternative_cost, so a user writing their files from it never met the
    columns a past day's logistics report asks for, or the one that keeps an AWS bill's dollars apart."""
    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    unnamed = {
        spec.file: [name for name in spec.model.model_fields if not re.search(rf"\b{name}\b", text)]
        for spec in KINDS
        for text in [(folder / spec.file).read_text()]
    }
    assert unnamed == {spec.file: [] for spec in KINDS}
    header = next(line for line in (folder / "deliveries.csv").read_text().splitlines() if not line.startswith("#"))
    assert header.split(",")[-2:] == ["billed_on", "collected_on"]
    assert run(home, "data", "import", str(folder)).returncode == 0  # still imports as written


def test_a_data_import_shows_its_progress_in_a_terminal(home: Path, tmp_path: Path) -> None:
    """A 10 MB revenue.csv took 15 s to import, and as long to dry-run, with nothing on the screen."""
    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    terminal = {"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"}  # rich draws its progress as in a terminal
    for dry_run in ((), ("--dry-run",)):
        done = run(home, "data", "import", str(folder), *dry_run, env=terminal)
        assert done.returncode == 0, done.stderr
        assert f"Reading {folder}" in done.stderr and "Checking" in done.stderr, done.stderr
        assert ("Comparing with the stored rows" if dry_run else "Importing") in done.stderr, done.stderr


def test_a_dry_run_says_what_an_import_would_remove_and_changes_nothing(home: Path, tmp_path: Path) -> None:
    """A template imported over real data replaced it all (a file replaces every row of its kind),
    with nothing to show beforehand what would go."""
    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    assert run(home, "data", "import", str(folder)).returncode == 0
    before = run(home, "data", "show", "--kind", "invoices").stdout
    invoices = folder / "invoices.csv"
    kept = [line for line in invoices.read_text().splitlines() if not line.startswith("INV-2001,")]
    invoices.write_text("\n".join(kept) + "\n")
    dry = run(home, "data", "import", str(folder), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would do" in dry.stdout and "1 change(s) to make, 1 of them removals; nothing was changed" in dry.stdout
    assert run(home, "data", "show", "--kind", "invoices").stdout == before
    assert "1 change(s)" in run(home, "data", "import", str(folder), "--yes").stdout  # for real, the same change
    assert run(home, "data", "show", "--kind", "invoices").stdout != before


def test_an_import_that_removes_rows_says_so_and_asks_first(home: Path, tmp_path: Path) -> None:
    """Found by a review: only --dry-run said which stored rows an import would remove; without it, rows left
    out of the folder were removed silently (a cron job importing an export that came back short). The
    import now says how many of each kind it removes, and asks, or, with no terminal to ask, refuses."""
    import os
    import subprocess

    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    assert run(home, "data", "import", str(folder)).returncode == 0  # removes nothing: nothing to ask
    before = run(home, "data", "show", "--kind", "invoices").stdout
    invoices = folder / "invoices.csv"
    lines = invoices.read_text().splitlines()
    invoices.write_text("\n".join(line for line in lines if not line.startswith("INV-2001,")) + "\n")

    refused = run(home, "data", "import", str(folder))  # no terminal (a script, cron)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "nothing was imported: " in refused.stderr and "removes 1 stored row(s) it leaves out: 1 invoices" in (
        refused.stderr
    )
    assert "re-run with --yes" in refused.stderr and "--dry-run" in refused.stderr
    assert run(home, "data", "show", "--kind", "invoices").stdout == before

    def at_a_terminal(answer: str) -> subprocess.CompletedProcess[str]:
        from tests.e2e.test_cli import FIRSTMATE

        keyboard, terminal = os.openpty()
        os.write(keyboard, answer.encode())
        env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")} | {"FIRSTMATE_HOME": str(home)}
        try:
            return subprocess.run(
                [FIRSTMATE, "data", "import", str(folder)], stdin=terminal, env=env, capture_output=True, text=True,
                timeout=120, check=False,
            )  # fmt: skip
        finally:
            os.close(keyboard)
            os.close(terminal)

    declined = at_a_terminal("n\n")
    assert declined.returncode == 1 and "Nothing was imported." in declined.stderr, declined.stderr
    assert "removes 1 stored row(s) it leaves out: 1 invoices." in declined.stdout and "Remove them" in declined.stdout
    assert run(home, "data", "show", "--kind", "invoices").stdout == before
    accepted = at_a_terminal("y\n")
    assert accepted.returncode == 0 and "1 change(s)" in accepted.stdout, accepted.stderr
    assert "INV-2001" not in run(home, "data", "show", "--kind", "invoices").stdout

    invoices.write_text("\n".join(line for line in lines if not line.startswith("INV-")) + "\n")  # with --yes
    done = run(home, "data", "import", str(folder), "--yes")
    assert done.returncode == 0 and "it leaves out: " in done.stdout and " invoices." in done.stdout, done.stderr
    assert run(home, "data", "show", "--kind", "invoices").stdout == ""


def test_a_row_changed_between_an_imports_count_and_its_writes_leaves_no_half_import(
    data_app: App, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by a review: importing the template over the demo (some 900 writes, ten transactions) while an
    admin changed a revenue row, after the removals were counted and asked about, wrote the first nine and
    failed on the tenth: the expenses and payouts were gone, the revenue not, and the import said only
    'ORG#demo#DATA / revenue#… changed: expected version 1, found version 2'."""
    from firstmate.adapters.sources.data_folder import read_data_folder, write_template
    from firstmate.errors import Conflict
    from firstmate.services.data import apply_import, save_row, template_context

    clock.set(AFTER_TODAY)  # the template's days billed and paid are TODAY's past, which has come
    store = data_app.store
    folder = tmp_path / "template"
    write_template(folder, template_context(store, "demo", TODAY, str(folder)), force=False)
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)

    def counts() -> dict[str, int]:
        return {kind: len(data_rows(store, "demo", kind)) for kind in ("expenses", "payouts", "revenue", "invoices")}

    def edited(key: str) -> None:
        row = dict(data_rows(store, "demo", "revenue"))[key].model_dump(mode="json")
        save_row(store, "demo", "revenue", {**row, "amount": "351.00"}, clock=data_app.clock, replacing=key)

    before = counts()
    planned = import_data(store, "demo", check_data(store, "demo", raw, clock=data_app.clock), dry_run=True)
    assert len(planned.writes) > 500 and planned.removals()["revenue"] == before["revenue"]
    last = getattr(planned.writes[-1], "sk", "").partition("#")[2]  # a removal, in the last transaction
    edited(last)  # while the one at the terminal reads how many rows the import removes
    with pytest.raises(Conflict) as refused:
        apply_import(store, planned)
    assert str(refused.value).startswith(f"nothing was imported: revenue row {last!r} changed since the import read")
    assert "run the import again" in (refused.value.hint or "")
    assert counts() == before  # nothing written

    # a row changed while the writes go (after the check): said, with how far it got and that running it again ends it
    planned = import_data(store, "demo", check_data(store, "demo", raw, clock=data_app.clock), dry_run=True)
    real = store.transact
    calls = 0

    rows: list[int] = []  # the rows each of the import's transactions wrote

    def transact(writes: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            monkeypatch.setattr(store, "transact", real)
            edited(last)  # after the check, as the second transaction goes
            monkeypatch.setattr(store, "transact", transact)
        made = real(writes)
        rows.append(sum(1 for w in writes if (w.item.pk if hasattr(w, "item") else w.pk) == "ORG#demo#DATA"))
        return made

    monkeypatch.setattr(store, "transact", transact)
    with pytest.raises(Conflict) as stopped:
        apply_import(store, planned)
    monkeypatch.undo()
    # the rows the transactions before the failed last one wrote (each also lists its revenue lines by reference)
    made = sum(rows)
    assert 0 < made < len(planned.writes) and len(rows) > 2
    assert f"the import stopped after {made:,} of {len(planned.writes):,} change(s): revenue row" in str(stopped.value)
    again = import_data(store, "demo", check_data(store, "demo", raw, clock=data_app.clock))
    assert again.total("created") + again.total("updated") + again.total("removed") > 0
    assert import_data(store, "demo", check_data(store, "demo", raw, clock=data_app.clock)).total("unchanged") == sum(
        len(rows) for rows in check_data(store, "demo", raw, clock=data_app.clock).rows.values()
    )


def test_a_bad_row_is_named_by_file_row_and_field_and_nothing_is_imported(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    assert run(home, "data", "template", str(folder)).returncode == 0
    assert run(home, "data", "import", str(folder)).returncode == 0
    before = run(home, "data", "show", "--kind", "invoices").stdout

    invoices = folder / "invoices.csv"
    lines = invoices.read_text().splitlines()
    header_at = next(n for n, line in enumerate(lines) if line.startswith("id,"))
    lines[header_at + 1] = "INV-2001,keel-advisory,Example Client Co,2026-13-01,2026-12-01,4200.00,,"
    lines.append("INV-2003,no-such-business,Example Client Co,2026-10-01,2026-11-01,10.00,,")
    invoices.write_text("\n".join(lines) + "\n")

    refused = run(home, "data", "import", str(folder))
    assert refused.returncode == 2
    assert f"invoices.csv row 1 (line {header_at + 2}), field issued" in refused.stderr
    assert "field entity" in refused.stderr and "unknown business line 'no-such-business'" in refused.stderr
    assert "Nothing was imported" in refused.stderr
    assert run(home, "data", "show", "--kind", "invoices").stdout == before


def test_report_all_writes_four_files_per_role_and_a_wrong_role_is_one_line(home: Path, tmp_path: Path) -> None:
    data = write_demo_data(tmp_path / "data", TODAY)
    assert run(home, "data", "import", str(data)).returncode == 0
    out = tmp_path / "reports"
    built = run(home, "report", "all", "--out", str(out), "--as-of", TODAY.isoformat())
    assert built.returncode == 0, built.stderr
    for role in ROLES:
        for kind in ("html", "txt", "json", "pdf"):
            assert (out / f"{role}.{kind}").stat().st_size > 0, f"{role}.{kind}"
        document = json.loads((out / f"{role}.json").read_text(encoding="utf-8"))
        assert document["role"] == role and document["as_of"] == TODAY.isoformat()
        assert document["headline"] in (out / f"{role}.txt").read_text()
        assert all(section["method"] for section in document["sections"])  # every section says how
    ceo = json.loads((out / "ceo.json").read_text(encoding="utf-8"))
    assert ceo["actions"] and {a["source"] for a in ceo["actions"]} - {"ceo"}  # the plan draws on other lenses
    pdf_text = "".join(page.extract_text() for page in PdfReader(out / "billing.pdf").pages)
    assert "Invoice aging" in pdf_text or "aging" in pdf_text.lower()

    wrong = run(home, "report", "chef")
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "ceo, cfo, cmo" in wrong.stderr


@pytest.fixture
def report_app(data_app: App, clock: FixedClock) -> App:
    """`data_app` on the Monday after TODAY: a role report is of a day that has come."""
    clock.set(AFTER_TODAY)
    return data_app


def test_no_path_builds_a_role_report_as_of_a_day_that_has_not_come(demo_app: App, clock: FixedClock) -> None:
    """Found by a review: only the CLI refused `--as-of` a day after today; the service that builds the reports
    (the jobs, the demo, anything that passes a day) built, stored and mailed a report of a week that had not
    happened, every figure of it as of today. It now refuses such a day itself, and nothing is stored or sent."""
    from firstmate.errors import InvalidInput
    from firstmate.services.reports import list_role_reports

    clock.set(datetime(2026, 11, 21, 20, 0, tzinfo=UTC))  # Saturday 21 November, noon in the business's zone
    tomorrow = date(2026, 11, 22)
    with pytest.raises(InvalidInput, match=r"a report as of 2026-11-22 is after today, 2026-11-21 in America/"):
        run_role_reports(demo_app, "demo", ROLES, as_of=tomorrow, send=True)
    assert list_role_reports(demo_app.store, "demo") == [] and outbox.list_entries(demo_app.store, "demo") == []
    assert run_role_reports(demo_app, "demo", ["cfo"], as_of=TODAY)  # today's is built


def test_each_role_report_goes_to_its_recipients_once_a_week_with_the_audit_copy(report_app: App) -> None:
    first = run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    assert {r.role: r.sent_to for r in first}["cfo"] == ["finance@example.com"]
    again = run_role_reports(report_app, "demo", ROLES, as_of=date(2026, 11, 22), send=True)  # same week
    assert all(r.sent_to == [] for r in again)
    entries = outbox.list_entries(report_app.store, "demo", limit=100)
    cfo = [e for e in entries if e.message.to == ("finance@example.com",)]
    assert len(cfo) == 1 and cfo[0].message.bcc == ("audit@example.com",)
    assert cfo[0].message.subject.startswith("CFO report")
    resent = run_role_reports(report_app, "demo", ["cfo"], as_of=TODAY, send=True, resend=True)
    assert resent[0].sent_to == ["finance@example.com"]


def test_a_role_emails_link_opens_the_full_pdf_for_its_reader_without_signing_in(report_app: App) -> None:
    """The billing email shows 50 receivables; its link opens the PDF with all of them to the bookkeeper."""
    import re

    from fastapi.testclient import TestClient

    from firstmate.services.data import save_row
    from firstmate.web.app import create_app
    from tests.conftest import mail_text, sent_mail

    for n in range(70):
        save_row(report_app.store, "demo", "invoices", {"id": f"INV-L{n:03d}", "entity": "keel-advisory",
                                                      "client": f"Late Client {n:03d}", "issued": "2026-08-01",
                                                      "due": "2026-09-01", "amount": f"{1000 + n}.00"},
                 clock=report_app.clock)  # fmt: skip
    [report] = run_role_reports(report_app, "demo", ["billing"], as_of=TODAY, send=True)
    [reader] = report.sent_to
    text = mail_text(sent_mail(report_app, "demo", f"report:role-billing:2026-11-16:demo:{reader}"))
    [link, *_] = re.findall(r"more rows; the PDF lists every one: (\S+)", text)
    assert link.startswith(f"{report_app.settings.base_url}/report-files/demo/billing-2026-11-21.pdf?expires=")
    pdf = TestClient(create_app(report_app)).get(link.removeprefix(report_app.settings.base_url))
    assert pdf.status_code == 200 and pdf.content == report_app.blobs.get("reports/demo/roles/2026-11-21/billing.pdf")
    shown = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert all(f"Late Client {n:03d}" in shown for n in range(70))


def test_a_store_failing_as_a_report_is_queued_leaves_it_to_be_queued_by_the_retry(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The send ledger and the message are written together: the store refusing the CEO report's
    outbox entry once fails the run, and the run tried again sends that report (with the ledger
    written first on its own, the retry found the owner "already sent" and the report never went)."""
    from firstmate.errors import StoreUnavailable
    from firstmate.ports import Put

    put, transact, refused = report_app.store.put, report_app.store.transact, []

    def ceo_mail(item: Any) -> bool:
        return item.pk == "ORG#demo#OUTBOX" and item.sk.startswith("report:role-ceo:") and not refused

    def failing_put(item: Any, *args: Any, **kwargs: Any) -> Any:
        if ceo_mail(item):
            refused.append(item.sk)
            raise StoreUnavailable("the store did not answer")
        return put(item, *args, **kwargs)

    def failing_transact(writes: list[Any], *args: Any, **kwargs: Any) -> Any:
        if any(isinstance(w, Put) and ceo_mail(w.item) for w in writes):
            refused.append("transaction")
            raise StoreUnavailable("the store did not answer")
        return transact(writes, *args, **kwargs)

    monkeypatch.setattr(report_app.store, "put", failing_put)
    monkeypatch.setattr(report_app.store, "transact", failing_transact)
    with pytest.raises(StoreUnavailable):
        run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    assert refused
    retried = {r.role: r.sent_to for r in run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)}
    assert retried["ceo"] == ["owner@example.com"]
    ceo = [e for e in outbox.list_entries(report_app.store, "demo", limit=100) if e.key.startswith("report:role-ceo:")]
    assert [e.message.to for e in ceo] == [("owner@example.com",)]


def test_building_reports_reads_the_business_data_without_changing_it(report_app: App) -> None:
    before = {kind: data_rows(report_app.store, "demo", kind) for kind in ("invoices", "expenses", "finance")}
    run_role_reports(report_app, "demo", ROLES, as_of=TODAY)
    after = {kind: data_rows(report_app.store, "demo", kind) for kind in ("invoices", "expenses", "finance")}
    assert before == after


def test_admins_see_each_roles_latest_report_and_edit_a_row_with_the_same_checks(report_app: App) -> None:
    from fastapi.testclient import TestClient

    from firstmate.services.access import admin_link_token
    from firstmate.web.app import create_app

    run_role_reports(report_app, "demo", ROLES, as_of=TODAY)
    with TestClient(create_app(report_app)) as client:
        assert client.get("/admin/reports", follow_redirects=False).status_code in (303, 401)
        client.get(f"/admin/enter?t={admin_link_token(report_app.secret_key, report_app.clock.now())}")
        page = client.get("/admin/reports").text
        assert "Portfolio billing audit" in page and "/admin/reports/demo/roles/cfo/2026-11-21" in page
        pdf = client.get("/admin/reports/demo/roles/cfo/2026-11-21?format=pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get("/admin/reports/demo/roles/chef/2026-11-21").status_code == 404
        assert client.get("/admin/reports/demo/roles/cfo/2026-11-21?format=exe").status_code == 404

        row = {"id": "KA-9", "entity": "keel-advisory", "client": "Example Client Co", "issued": "2026-11-01"}
        bad = client.post("/admin/data/demo/invoices", data={**row, "due": "soon", "amount": "120"})
        assert bad.status_code == 422 and "Nothing was saved" in bad.text and "due" in bad.text
        assert all(key != "KA-9" for key, _ in data_rows(report_app.store, "demo", "invoices"))
        good = client.post(
            "/admin/data/demo/invoices", data={**row, "due": "2026-12-01", "amount": "120.00"}, follow_redirects=False
        )
        assert good.status_code == 303
        assert "KA-9" in client.get("/admin/data/demo/invoices").text
        assert client.post("/admin/data/demo/finance", data={"currency": "EUR"}).status_code == 404


def test_an_admin_edit_that_corrects_a_rows_id_replaces_it_and_an_id_with_a_slash_can_be_removed(data_app: App) -> None:
    """Correcting KA-2402 to KA-2420 kept both (the invoice owed twice), and INV/2026/001's remove
    button answered 404."""
    from fastapi.testclient import TestClient

    from firstmate.services.access import admin_link_token
    from firstmate.web.app import create_app

    def invoices() -> dict[str, Any]:
        return dict(data_rows(data_app.store, "demo", "invoices"))

    with TestClient(create_app(data_app)) as client:
        client.get(f"/admin/enter?t={admin_link_token(data_app.secret_key, data_app.clock.now())}")
        form = client.get("/admin/data/demo/invoices?edit=KA-2402").text
        assert "Change KA-2402" in form and 'name="_editing" value="KA-2402"' in form
        row, other = invoices()["KA-2402"].model_dump(mode="json"), invoices()["KA-2401"]
        taken = client.post("/admin/data/demo/invoices", data={**row, "id": "KA-2401", "_editing": "KA-2402"})
        assert taken.status_code == 422 and "another row is &#39;KA-2401&#39; already" in taken.text
        assert "Change KA-2402" in taken.text  # still the edit of that row
        assert invoices()["KA-2401"] == other and "KA-2402" in invoices()  # nothing changed
        fixed = client.post(
            "/admin/data/demo/invoices", data={**row, "id": "KA-2420", "_editing": "KA-2402"}, follow_redirects=False
        )
        assert fixed.status_code == 303 and "KA-2402" not in invoices() and "KA-2420" in invoices()
        # a row added onto one that is there, or an edit whose row was removed meanwhile: refused, not overwritten
        added = client.post("/admin/data/demo/invoices", data={**row, "id": "KA-2401"})
        gone = client.post("/admin/data/demo/invoices", data={**row, "id": "KA-2401", "_editing": "KA-2402"})
        assert added.status_code == gone.status_code == 422 and invoices()["KA-2401"] == other

        slashed = {**row, "id": "INV/2026/001"}
        assert client.post("/admin/data/demo/invoices", data=slashed, follow_redirects=False).status_code == 303
        page = client.get("/admin/data/demo/invoices").text
        assert "/admin/data/demo/invoices/INV%2F2026%2F001/delete" in page
        gone = client.post("/admin/data/demo/invoices/INV%2F2026%2F001/delete", follow_redirects=False)
        assert gone.status_code == 303 and "INV/2026/001" not in invoices()


def test_a_kind_with_many_rows_is_listed_a_page_at_a_time_and_an_edit_stays_on_its_page(demo_app: App) -> None:
    """A review: 20,000 revenue rows made one page of 6 MB, which every save and remove came back to."""
    import html
    import re

    from firstmate.domain.datafiles import RawRow
    from tests.security.conftest import operator

    line = {"entity": "saltwind-charters", "recorded_on": "2026-05-01", "service_date": "2026-05-01", "amount": "10"}
    rows = [RawRow("revenue.csv", n + 1, None, {**line, "id": f"R-{n:04d}"}) for n in range(450)]
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", {"revenue.csv": rows}, clock=demo_app.clock))
    admin = operator(demo_app)

    def ids(page: str) -> list[str]:
        return re.findall(r"<tr><td>(R-\d+)</td>", page)

    first = admin.get("/admin/data/demo/revenue").text  # read a page at a time: no count of the whole
    assert "Rows, by id" in first and len(ids(first)) == 200 and 'rel="next"' in first and 'rel="prev"' not in first
    last = admin.get("/admin/data/demo/revenue?page=3").text  # an address kept from the numbered pages
    assert ids(last) == [f"R-{n:04d}" for n in range(400, 450)]
    assert ids(admin.get("/admin/data/demo/revenue?last=1").text) == [f"R-{n:04d}" for n in range(250, 450)]
    found = admin.get("/admin/data/demo/revenue?q=r-041").text  # by id, any case
    assert ids(found) == [f"R-041{n}" for n in range(10)] and 'rel="next"' not in found
    editing = admin.get("/admin/data/demo/revenue?edit=R-0420").text  # the page from it on, with the form
    assert "Change R-0420" in editing and ids(editing)[0] == "R-0420" and 'rel="prev"' in editing
    saved = admin.post(
        "/admin/data/demo/revenue", data={**line, "id": "R-0420", "amount": "12", "_editing": "R-0420"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/data/demo/revenue?at=R-0420"
    removed = admin.post("/admin/data/demo/revenue/R-0449/delete?at=R-0420", follow_redirects=False)
    assert removed.status_code == 303 and removed.headers["location"] == "/admin/data/demo/revenue?at=R-0420"
    assert 'action="/admin/data/demo/revenue/R-0420/delete?at=R-0420"' in editing
    assert admin.get("/admin/data/demo/revenue?page=4").status_code == 404
    # a review: a row removed or saved from a page of a search came back to that page of the whole list
    more = [RawRow("revenue.csv", n + 1, None, {**line, "id": f"B-{n:04d}"}) for n in range(300)]
    import_data(
        demo_app.store,
        "demo",
        check_data(demo_app.store, "demo", {"revenue.csv": rows[:-1] + more}, clock=demo_app.clock),
    )
    searched = admin.get("/admin/data/demo/revenue?q=b-&page=2").text
    assert ids(searched)[:1] == [] and "B-0200" in searched and "B-0299" in searched  # the ids regex reads R- only
    [action] = re.findall(r'action="([^"]*/B-0250/delete[^"]*)"', searched)
    back = admin.post(html.unescape(action), follow_redirects=False)
    assert back.headers["location"] == "/admin/data/demo/revenue?q=b-&after=B-0199"
    again = admin.post(
        "/admin/data/demo/revenue?q=b-", data={**line, "id": "B-0260", "amount": "11", "_editing": "B-0260"},
        follow_redirects=False,
    )  # fmt: skip
    assert again.headers["location"] == "/admin/data/demo/revenue?q=b-&at=B-0260"
    added = admin.post("/admin/data/demo/revenue?q=b-", data={**line, "id": "C-0001"}, follow_redirects=False)
    where = added.headers["location"]  # not in the search: the page of all rows that lists it
    assert where == "/admin/data/demo/revenue?at=C-0001" and "<tr><td>C-0001</td>" in admin.get(where).text


def test_a_disk_that_fills_halfway_through_a_report_leaves_the_earlier_one_whole(report_app: App) -> None:
    from dataclasses import replace

    from firstmate.services.data import delete_row
    from firstmate.services.reports import list_role_reports, role_report_file

    def stored(app: App, day: str) -> dict[str, bytes | None]:
        return {kind: app.blobs.get(k) if app.blobs.head(k := f"reports/demo/roles/{day}/billing.{kind}") else None
                for kind in ("html", "txt", "json", "pdf")}  # fmt: skip

    run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    before, listed = stored(report_app, "2026-11-21"), list_role_reports(report_app.store, "demo")
    invoices = data_rows(report_app.store, "demo", "invoices")
    delete_row(report_app.store, "demo", "invoices", next(k for k, i in invoices if getattr(i, "open_amount", 0) > 0))
    # html and text written, then the JSON fails
    full = replace(report_app, blobs=FailingWrites(report_app.blobs, nth=3))
    with pytest.raises(BlobError, match="No space left"):
        run_role_reports(full, "demo", ["billing"], as_of=TODAY)
    # the day's report as it was: all four files and its listing, not new HTML beside an old PDF
    assert stored(report_app, "2026-11-21") == before and list_role_reports(report_app.store, "demo") == listed
    with pytest.raises(BlobError):  # a first report of a day leaves nothing behind
        run_role_reports(replace(report_app, blobs=FailingWrites(report_app.blobs, nth=3)), "demo", ["billing"],
                         as_of=date(2026, 11, 22))  # fmt: skip
    assert set(stored(report_app, "2026-11-22").values()) == {None}
    with pytest.raises(NotFound):
        role_report_file(report_app, "demo", "billing", "2026-11-22", "html")
    run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)  # with room, the new report replaces the old
    assert all(stored(report_app, "2026-11-21")[kind] != before[kind] for kind in ("html", "txt", "json"))


def test_two_builds_at_once_one_of_them_failing_leave_the_others_report_whole(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails puts back the files it replaced. Beside another build of the same report,
    that put back the files from before both over the other's; a lease keeps them one at a time."""
    import threading
    import time
    from dataclasses import replace
    from types import SimpleNamespace

    from firstmate.services import leases
    from firstmate.services.data import delete_row
    from firstmate.services.reports import list_role_reports

    def stored() -> dict[str, bytes]:
        day = "reports/demo/roles/2026-11-21"
        return {kind: report_app.blobs.get(f"{day}/billing.{kind}") for kind in ("html", "json")}

    run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    before = stored()
    invoices = data_rows(report_app.store, "demo", "invoices")
    delete_row(report_app.store, "demo", "invoices", next(k for k, i in invoices if getattr(i, "open_amount", 0) > 0))

    storing, other_waits = threading.Event(), threading.Event()
    monkeypatch.setattr(
        leases, "time", SimpleNamespace(monotonic=time.monotonic, sleep=lambda s: (other_waits.set(), time.sleep(s)))
    )

    class Pausing(FailingWrites):
        """Fails as a disk filling at the 3rd write, after letting the other build try to store."""

        def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
            if self.left == 1:  # the text is next: first, the other build's turn, if it gets one
                storing.set()
                other_waits.wait(timeout=2)
            return super().put(key, data, content_type)

    failed: list[Exception] = []

    def failing() -> None:
        try:
            paused = replace(report_app, blobs=Pausing(report_app.blobs, nth=3))
            run_role_reports(paused, "demo", ["billing"], as_of=TODAY)
        except BlobError as exc:
            failed.append(exc)

    first = threading.Thread(target=failing)
    first.start()
    assert storing.wait(timeout=30)  # the failing build is storing
    [report] = run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    first.join()
    assert failed and other_waits.is_set()  # it failed, and the good build waited for it
    assert stored() == {"html": report.report.html.encode(), "json": data_file(report.report.data)}
    assert stored() != before and list_role_reports(report_app.store, "demo")[0]["built_at"]


def test_a_build_gives_up_in_one_line_when_another_holds_the_reports_too_long(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from firstmate.adapters.clock import FixedClock
    from firstmate.errors import StoreUnavailable
    from firstmate.ports import Item
    from firstmate.services import leases

    monkeypatch.setattr(leases, "WAIT_S", 0.3)
    now = report_app.clock.now()
    lease = Item("ORG#demo#LEASE", "role-reports#2026-11-21", {"since": "2026-06-01T16:00:00.000000Z"},
                 ttl=int((now + leases.LEASE).timestamp()))  # fmt: skip
    report_app.store.put(lease)  # another process, building
    with pytest.raises(
        StoreUnavailable, match=r"another process is building these role reports \(since 2026-06-01T16:00"
    ):
        run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    assert not report_app.blobs.head("reports/demo/roles/2026-11-21/billing.html")
    clock = report_app.clock
    assert isinstance(clock, FixedClock)
    clock.advance(leases.LEASE + timedelta(seconds=1))  # its holder died: the lease runs out
    assert run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)


def test_a_holder_outliving_its_lease_does_not_release_the_next_holders(data_app: App) -> None:
    from datetime import timedelta

    from firstmate.adapters.clock import FixedClock
    from firstmate.services.leases import LEASE, exclusive

    clock = data_app.clock
    assert isinstance(clock, FixedClock)
    with exclusive(data_app, "demo", "weekly#2026-11-16", doing="storing this weekly report"):
        clock.advance(LEASE + timedelta(seconds=1))  # the first holder outlives its lease; another takes it
        with exclusive(data_app, "demo", "weekly#2026-11-16", doing="storing this weekly report"):
            pass  # (released when done: the first holder's own release must not have touched it)
        later = exclusive(data_app, "demo", "weekly#2026-11-16", doing="storing this weekly report")
        later.__enter__()  # a third holder
    # the first holder's release came after the third took the lease: the third still holds it
    assert data_app.store.get("ORG#demo#LEASE", "weekly#2026-11-16") is not None
    later.__exit__(None, None, None)
    assert data_app.store.get("ORG#demo#LEASE", "weekly#2026-11-16") is None


def test_a_direct_booking_is_owed_a_payout_only_where_direct_bookings_are_paid_out(data_app: App) -> None:
    """A booking taken on the website (channel "direct") is paid to the business: 14 days after the trip
    the accounting report said to chase its payout. Where payouts.csv holds a card processor's payouts
    for direct bookings, one without is still a gap, and theirs still match."""
    from decimal import Decimal

    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.accounting import reconcile
    from firstmate.domain.snapshot import Payout
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    for source, ref in (("direct", "WEB-1001"), ("direct", "WEB-1002"), ("boatsetter", "BO-1001")):
        body = booking_body(source=source, external_id=ref, start="2026-10-10T16:00:00-07:00")
        orchestrate_booking(data_app, "demo", BookingRequest.model_validate(body), tell=False)
    snapshot = build_snapshot(data_app, "demo", as_of=date(2026, 12, 5))
    missing = {g.reference for g in reconcile(snapshot)[1] if g.kind == "missing payout"}
    assert {"WEB-1001", "WEB-1002"}.isdisjoint(missing) and "BO-1001" in missing  # a marketplace's still is
    card = Payout(id="P-WEB-1001", source="stripe", paid_on=date(2026, 10, 12), amount=Decimal("800.00"),
                  reference="WEB-1001")  # fmt: skip
    with_card = snapshot.model_copy(update={"payouts": (*snapshot.payouts, card)})
    gaps = reconcile(with_card)[1]
    assert "WEB-1002" in {g.reference for g in gaps if g.kind == "missing payout"}
    assert "WEB-1001" not in {g.reference for g in gaps}  # matched, not "unmatched"


def test_bookings_in_another_currency_are_said_to_be_uncounted_and_a_code_iso_lacks_is_refused(data_app: App) -> None:
    """A booking in "UDS" (a typo for USD) imported as created, then was in no report's revenue, and
    no report said so: only a log line did."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    with pytest.raises(ValueError, match="'UDS' is not a currency code \\(ISO 4217\\), like USD or EUR"):
        BookingRequest.model_validate(booking_body(currency="UDS"))
    for n, amount in enumerate(("840.75", "840.75")):
        body = booking_body(
            external_id=f"EU-{n}", currency="EUR", gross_amount=amount, start=f"2026-11-1{n}T10:00:00-08:00"
        )
        orchestrate_booking(data_app, "demo", BookingRequest.model_validate(body))
    snapshot = build_snapshot(data_app, "demo", as_of=TODAY)
    document = build_documents(snapshot, ["accounting"])["accounting"]
    [finding] = [f for f in document.findings if f.key == "accounting:other-currency:EUR"]
    assert finding.title == "2 EUR bookings (€1,682) not counted"
    assert "The reports count USD, the currency of business.yaml" in finding.detail
    booked_on = data_app.clock.now().date()
    earlier = build_documents(build_snapshot(data_app, "demo", as_of=booked_on - timedelta(days=1)), ["accounting"])
    # rebuilt for a day before they were booked: they are in none of its figures, nor in its findings
    assert not [f for f in earlier["accounting"].findings if f.key.startswith("accounting:other-currency")]


def test_a_booking_in_another_currency_that_revenue_csv_holds_is_counted_and_not_said_to_be_left_out(
    data_app: App,
) -> None:
    """A review: the accounting report said "2 EUR bookings (€1,682) not counted" where the bookkeeper had
    written one of them in revenue.csv, in dollars, under its reference: the books win, and that one was in
    every revenue figure. Only what no figure holds is said to be left out."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.data import save_row
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    ids = []
    for n in range(2):
        body = booking_body(
            external_id=f"EU-{n}", currency="EUR", gross_amount="840.75", start=f"2026-11-1{n}T10:00:00-08:00"
        )
        ids.append(orchestrate_booking(data_app, "demo", BookingRequest.model_validate(body), tell=False).booking.id)
    sale = {"entity": "saltwind-charters", "recorded_on": "2026-11-12", "service_date": "2026-11-10"}
    save_row(
        data_app.store,
        "demo",
        "revenue",
        {**sale, "id": "FX-0", "amount": "910.00", "reference": "EU-0"},
        clock=ON_THE_DATA_DAY,
    )

    def other_currency() -> list[str]:
        document = build_documents(build_snapshot(data_app, "demo", as_of=TODAY), ["accounting"])["accounting"]
        return [f.title for f in document.findings if f.key.startswith("accounting:other-currency")]

    assert "FX-0" in {r.id for r in build_snapshot(data_app, "demo", as_of=TODAY).revenue}  # counted, in USD
    assert other_currency() == ["1 EUR booking (€841) not counted"]
    save_row(data_app.store, "demo", "revenue", {**sale, "id": "FX-1", "amount": "910.00",
                                                 "reference": f"booking-{ids[1]}"}, clock=ON_THE_DATA_DAY)  # fmt: skip
    assert other_currency() == []  # both are in the books: nothing is left out


def test_a_refund_of_a_booking_in_another_currency_takes_nothing_off_and_is_said_to_be_left_out(
    data_app: App,
) -> None:
    """A review: a refund in revenue.csv naming a booking in EUR (a booking in no figure, being in another
    currency) was taken off revenue all the same: the accounting report's November read $841 less than was sold
    (and a full month's CFO and CEO figures would have). A refund of what no figure counts is no figure's either:
    every report reads as before it, and the accounting report says the refund is left out beside the booking."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.data import save_row
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    body = booking_body(external_id="EU-7", currency="EUR", gross_amount="840.75", start="2026-11-10T10:00:00-08:00")
    orchestrate_booking(data_app, "demo", BookingRequest.model_validate(body), tell=False)

    def documents() -> dict[str, Any]:
        return build_documents(build_snapshot(data_app, "demo", as_of=TODAY))

    before = documents()
    refund = {"id": "RF-EU", "entity": "saltwind-charters", "recorded_on": "2026-11-12", "service_date": "2026-11-10",
              "amount": "-840.75", "reference": "EU-7"}  # fmt: skip
    save_row(data_app.store, "demo", "revenue", refund, clock=ON_THE_DATA_DAY)
    after = documents()
    for role, document in before.items():  # every figure as before the refund
        changed = [s.title for s, then in zip(after[role].sections, document.sections, strict=True) if s != then]
        assert changed == [], role
    [finding] = [f for f in after["accounting"].findings if f.key == "accounting:other-currency:EUR"]
    assert finding.title == "1 EUR booking (€841) not counted"
    assert "1 refund of them in revenue.csv (−$841) is not taken off either" in finding.detail


def test_a_refund_naming_a_sale_nobody_has_is_refused_on_import_and_in_the_admin_form(data_app: App) -> None:
    """A refund whose reference had a typo undid no sale: the sale stayed counted as sold, and the
    refund stood alone. A sale is a revenue line, an invoice or a firstmate booking, by reference or id."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.errors import DataRejected
    from firstmate.jobs.sweeps import sweep_expired
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.data import save_row
    from tests.conftest import booking_body

    booking = orchestrate_booking(data_app, "demo", BookingRequest.model_validate(booking_body())).booking
    invoice = sorted(key for key, _ in data_rows(data_app.store, "demo", "invoices"))[0]
    day = "2026-11-20"
    refund = {"entity": "saltwind-charters", "recorded_on": day, "service_date": day, "amount": "-840.75"}
    for listed in (False, True):  # read from every row, then (the hourly job gone by) from the rows named
        for n, reference in enumerate(("WEB-1001", f"booking-{booking.id}", invoice, f"invoice-{invoice}")):
            assert save_row(
                data_app.store,
                "demo",
                "revenue",
                {**refund, "id": f"RF-{n}{'-listed' if listed else ''}", "reference": reference},
                clock=ON_THE_DATA_DAY,
            )
        with pytest.raises(DataRejected) as refused:
            save_row(
                data_app.store,
                "demo",
                "revenue",
                {**refund, "id": "RF-9", "reference": "WEB-1010"},
                clock=ON_THE_DATA_DAY,
            )
        [error] = refused.value.errors
        assert error.where == "revenue.csv row 1, field reference"
        assert error.problem.startswith("the refund names 'WEB-1010', and no sale has that reference or id")
        assert "RF-9" not in {key for key, _ in data_rows(data_app.store, "demo", "revenue")}  # nothing written
        sweep_expired(data_app, data_app.clock.now())


def test_a_refund_must_name_a_sale_that_stays_and_a_sale_a_refund_names_stays_too(
    demo_app: App, tmp_path: Path
) -> None:
    """A review found the check counting stored sales the import itself replaces: a re-import
    correcting a sale's reference left its refund naming nothing. Removing or renaming that sale in the
    admin form orphaned the refund just the same."""
    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.errors import DataRejected
    from firstmate.services.data import delete_row, save_row

    def imported(rows: str) -> None:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        header = "id,entity,asset,source,recorded_on,service_date,amount,deposit,reference\n"
        (folder / "revenue.csv").write_text(header + rows)
        raw = read_data_folder(folder)
        assert not isinstance(raw, list)
        import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=ON_THE_DATA_DAY))

    sale = "R-1,saltwind-charters,,direct,2026-10-01,2026-10-10,900.00,false,{}\n"
    refund = "R-2,saltwind-charters,,direct,2026-10-05,2026-10-10,-900.00,false,BK-100\n"
    imported(sale.format("BK-100") + refund)
    with pytest.raises(DataRejected) as refused:
        imported(sale.format("BK-1000") + refund)  # the sale's reference corrected, the refund not
    assert [e.where for e in refused.value.errors] == ["revenue.csv row 2 (line 3), field reference"]
    with pytest.raises(DataRejected) as kept:
        delete_row(demo_app.store, "demo", "revenue", "R-1")
    assert kept.value.errors[0].problem.startswith("this refund names 'BK-100', which would then be no sale")
    row = {"id": "R-1", "entity": "saltwind-charters", "recorded_on": "2026-10-01", "service_date": "2026-10-10",
           "amount": "900.00", "reference": "BK-1000"}  # fmt: skip
    with pytest.raises(DataRejected):
        save_row(demo_app.store, "demo", "revenue", row, clock=demo_app.clock, replacing="R-1")
    assert {key for key, _ in data_rows(demo_app.store, "demo", "revenue")} == {"R-1", "R-2"}  # nothing changed
    delete_row(demo_app.store, "demo", "revenue", "R-2")  # the refund first
    delete_row(demo_app.store, "demo", "revenue", "R-1")  # then its sale

    # an import of invoices.csv alone may not remove an invoice a stored refund names (a second review)
    folder = tmp_path / "invoices"
    folder.mkdir()
    invoice = "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
    invoice += "{},keel-advisory,Example Marine,2026-07-01,2026-08-01,4200.00,,\n"
    (folder / "invoices.csv").write_text(invoice.format("INV-1"))
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=ON_THE_DATA_DAY))
    imported("R-3,keel-advisory,,invoice,2026-07-20,2026-07-20,-4200.00,false,INV-1\n")
    (folder / "invoices.csv").write_text(invoice.format("INV-001"))
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    with pytest.raises(DataRejected) as removes:
        check_data(demo_app.store, "demo", raw, clock=ON_THE_DATA_DAY)
    assert removes.value.errors[0].problem.startswith("this refund names 'INV-1', which this import removes")


def test_a_currency_code_iso_lacks_in_business_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    """business.yaml saying "UDS" was taken: every booking in USD was then left out of every figure."""
    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.domain.datafiles import check_rows

    folder = write_demo_data(tmp_path / "data", TODAY)
    text = (folder / "business.yaml").read_text()
    (folder / "business.yaml").write_text(text.replace("currency: USD", "currency: UDS", 1))
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    errors = check_rows(raw, ["tours"], ["sea-lark"])
    assert isinstance(errors, list)
    assert [(e.where, e.problem) for e in errors if "currency" in e.where] == [
        ("business.yaml, field currency", "'UDS' is not a currency code (ISO 4217), like USD or EUR")
    ]


def test_a_name_typed_over_two_lines_reaches_subjects_as_one_line_and_every_report_is_sent(
    demo_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    """Found by a review: a client's name quoted over two lines in invoices.csv reached the CEO's and
    billing's headlines, the subject's one-line rule refused the CEO's mail, and none of the eight went."""
    clock.set(AFTER_TODAY)
    from datetime import date

    from firstmate.adapters.sources.data_folder import read_data_folder

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "invoices.csv").write_text(
        "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
        'INV-1,keel-advisory,"Harbor Marine\nServices",2026-07-01,2026-08-01,4200.00,,\n'
    )
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=ON_THE_DATA_DAY))
    runs = run_role_reports(demo_app, "demo", ROLES, as_of=date(2026, 11, 21), send=True)
    assert all(run.sent_to for run in runs)
    billing = next(run for run in runs if run.role == "billing")
    assert "Harbor Marine Services" in billing.report.subject and "\n" not in billing.report.subject


def test_one_role_report_failing_keeps_none_of_the_others_from_going_out(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in one role's report (the CEO's, first) stopped the build there: none of the eight went out,
    and the job's retries failed the same way. The rest go out; the failure is still raised, to be retried."""
    import firstmate.services.reports.build as reports  # where run_role_reports looks render_role up

    render = reports.render_role

    def broken_for_the_ceo(document: Any, **kwargs: Any) -> Any:
        if document.role == "ceo":
            raise RuntimeError("the CEO's report broke")
        return render(document, **kwargs)

    monkeypatch.setattr(reports, "render_role", broken_for_the_ceo)
    with pytest.raises(RuntimeError, match="the CEO's report broke"):
        run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    queued = {e.key.split(":")[1] for e in outbox.list_entries(report_app.store, "demo") if e.key.startswith("report:")}
    assert queued == {f"role-{role}" for role in ROLES if role != "ceo"}
    monkeypatch.setattr(reports, "render_role", render)  # fixed: the retry sends the CEO's, and nothing twice
    runs = run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    assert [run.role for run in runs if run.sent_to] == ["ceo"]


def test_a_lens_failing_to_build_keeps_none_of_the_other_reports_back_and_the_ceo_says_so(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review found the per-role guard around rendering only: a lens raising while it builds (a
    division by zero, say) still stopped all eight."""
    from decimal import DivisionByZero

    from firstmate.domain.reports import lenses

    def broken(snapshot: Any) -> Any:
        raise DivisionByZero("the CFO's lens broke")

    monkeypatch.setitem(lenses.LENSES, "cfo", broken)
    with pytest.raises(DivisionByZero, match="the CFO's lens broke"):
        run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    entries = [e for e in outbox.list_entries(report_app.store, "demo") if e.key.startswith("report:")]
    others = {f"role-{role}" for role in ROLES if role not in ("cfo", "ceo")}
    assert {e.key.split(":")[1] for e in entries} == others | {"role-ceo-without-cfo"}
    [ceo] = [e for e in entries if e.key.split(":")[1] == "role-ceo-without-cfo"]
    assert "Missing from this plan: the findings of the CFO report, which could not be built." in ceo.message.text
    # once the CFO's builds, the retry sends it and the whole plan (a second review: the CEO kept the partial one)
    monkeypatch.undo()
    runs = run_role_reports(report_app, "demo", ROLES, as_of=TODAY, send=True)
    assert sorted(run.role for run in runs if run.sent_to) == ["ceo", "cfo"]
    with monkeypatch.context() as patched:  # asked for the CEO's alone, a lens it needs failing still fails the run
        patched.setitem(lenses.LENSES, "cmo", broken)
        with pytest.raises(DivisionByZero):
            run_role_reports(report_app, "demo", ["ceo"], as_of=TODAY, send=True)
    ceos = [e for e in outbox.list_entries(report_app.store, "demo") if e.key.startswith("report:role-ceo")]
    assert len(ceos) == 2  # the partial plan, then the whole one; no part of a plan after the whole one


def test_a_report_as_of_a_past_day_reads_the_books_as_they_stood_then_in_every_lens(data_app: App) -> None:
    """A review: as of 2 Nov, accounting left out a line recorded on the 3rd (a September service), while
    the CFO's burn of September counted it: $1,500 in one report, $1,900 in the other."""
    from firstmate.domain.reports.accounting import accounting_report
    from firstmate.domain.reports.cfo import cfo_report
    from firstmate.services.reports import build_snapshot

    snapshot = build_snapshot(data_app, "demo", as_of=date(2026, 11, 2))
    assert snapshot.revenue and all(line.recorded_on <= date(2026, 11, 2) for line in snapshot.revenue)
    later = build_snapshot(data_app, "demo", as_of=TODAY)
    assert any(line.recorded_on > date(2026, 11, 2) for line in later.revenue)  # there were some to leave out
    recognised = {row[0]: row[2] for row in accounting_report(snapshot).sections[0].tables[0].rows}
    burn = next(t for s in cfo_report(snapshot).sections for t in s.tables if t.title.startswith("Burn by month"))
    revenue = {row[0]: row[burn.columns.index("Revenue")] for row in burn.rows}
    assert all(recognised[month] == revenue[month] for month in revenue if month in recognised)


def test_the_snapshot_holds_the_books_of_the_report_day_for_every_lens(data_app: App) -> None:
    """The books as they stood on the report's day are cut once, when the snapshot is built
    (`books_on`): invoices and deliveries were cut in their own lenses, revenue lines in the snapshot."""
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.reports import build_snapshot

    day = date(2025, 1, 1)  # before every row of the demo's data
    now = build_documents(build_snapshot(data_app, "demo", as_of=TODAY), ["accounting", "billing", "logistics"])
    assert "logistics:unbilled" in " ".join(f.key for f in now["logistics"].findings)  # there are some to cut
    then = build_documents(build_snapshot(data_app, "demo", as_of=day), ["accounting", "billing", "logistics"])
    assert then["billing"].headline == "No invoice in invoices.csv was issued by 2025-01-01: nothing was open."
    audit = then["logistics"].sections[1]
    assert audit.summary.startswith("0 delivered jobs not billed")
    assert not [f for f in then["logistics"].findings if f.key.startswith("logistics:unbilled")]
    # payouts too: as of a day before the books, every payout of the demo's was "unmatched"
    assert "accounting:unmatched-payouts:all" in {f.key for f in now["accounting"].findings}
    assert "accounting:unmatched-payouts:all" not in {f.key for f in then["accounting"].findings}


def test_a_booking_cancelled_after_the_report_day_is_in_that_days_books(demo_app: App, clock: Any) -> None:
    """A review: a booking of 1 Jun, sailed on 13 Jun and paid out on the 20th, cancelled on 10 Jul, left
    the books of 25 Jun rebuilt after the cancel, and its payout read "unmatched"."""
    from datetime import UTC, datetime

    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.accounting import reconcile
    from firstmate.services.bookings import cancel_booking, orchestrate_booking
    from firstmate.services.data import save_row
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    body = booking_body(source="boatsetter", external_id="BO-77", start="2026-06-13T16:00:00-07:00")
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body), tell=False).booking
    payout = {
        "id": "P-BO-77",
        "source": "boatsetter",
        "paid_on": "2026-06-20",
        "amount": "700.00",
        "reference": "BO-77",
    }
    clock.set(datetime(2026, 6, 20, 19, 0, tzinfo=UTC))  # the payout is written once it came in
    save_row(demo_app.store, "demo", "payouts", payout, clock=demo_app.clock)
    clock.set(datetime(2026, 7, 10, 16, 0, tzinfo=UTC))
    cancel_booking(demo_app, "demo", booking.id)
    for day, counted in ((date(2026, 6, 25), True), (date(2026, 7, 9), True), (date(2026, 7, 10), False)):
        snapshot = build_snapshot(demo_app, "demo", as_of=day)
        lines = [line for line in snapshot.revenue if line.reference == "BO-77"]
        gaps = {(g.kind, g.reference) for g in reconcile(snapshot)[1]}
        if counted:  # as it read before its cancel: earned on the 13th, matched to its payout
            assert [(line.service_date, line.amount) for line in lines] == [
                (date(2026, 6, 13), booking.request.gross_amount)
            ]
            assert not [g for g in gaps if g[1] == "BO-77"]
        else:  # cancelled by that day: out of the books, and its payout is one to look into
            assert not lines and ("unmatched payout", "BO-77") in gaps


def test_a_booking_its_channel_cancelled_with_another_amount_counts_as_it_read_before(
    demo_app: App, clock: Any
) -> None:
    """A review: the channel's cancel came with the amount $0, and the books of a day before it read the
    booking at $0 ("payout above booking"): what it read before its cancel is kept with it."""
    from datetime import UTC, datetime

    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.accounting import reconcile
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.data import save_row
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    body = booking_body(source="boatsetter", external_id="BO-78", start="2026-06-13T16:00:00-07:00")
    booked = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body), tell=False).booking
    clock.set(datetime(2026, 6, 20, 19, 0, tzinfo=UTC))  # the payout is written once it came in
    payout = {"id": "P-BO-78", "source": "boatsetter", "paid_on": "2026-06-20", "amount": "700.00",
              "reference": "BO-78"}  # fmt: skip
    save_row(demo_app.store, "demo", "payouts", payout, clock=demo_app.clock)
    clock.set(datetime(2026, 7, 10, 16, 0, tzinfo=UTC))
    cancel = BookingRequest.model_validate({**body, "status": "cancelled", "gross_amount": "0"})
    assert orchestrate_booking(demo_app, "demo", cancel, tell=False).result.value == "cancelled"
    snapshot = build_snapshot(demo_app, "demo", as_of=date(2026, 6, 25))
    assert [line.amount for line in snapshot.revenue if line.reference == "BO-78"] == [booked.request.gross_amount]
    assert not [g for g in reconcile(snapshot)[1] if g.reference == "BO-78"]


def test_a_cancelled_booking_its_refund_names_is_undone_by_the_refund_not_twice(demo_app: App, clock: Any) -> None:
    """A guest cancelled two paid charters of $840.75; the bookkeeper recorded the refunds in revenue.csv,
    naming the bookings, as the import allows: one in full, one keeping a $240 cancellation fee. The
    cancelled bookings were left out and their refunds taken off again: June read −$1,442 of revenue in
    the CFO's burn where it earned the $240 fee, and the accounting report asked to "Record the $841 extra
    paid on booking BO-77". A booking a refund names stays as it read before its cancel, for the refund
    to undo it."""
    from datetime import UTC, datetime

    from firstmate.domain.bookings import BookingRequest
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.bookings import cancel_booking, orchestrate_booking
    from firstmate.services.data import save_row
    from firstmate.services.reports import build_snapshot
    from tests.conftest import booking_body

    booked = {}
    for ref in ("BO-77", "BO-79"):
        body = booking_body(source="boatsetter", external_id=ref, start="2026-06-13T16:00:00-07:00")
        booked[ref] = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body), tell=False).booking
    clock.set(datetime(2026, 6, 5, 19, 0, tzinfo=UTC))  # each payment is written once it came in
    for ref in booked:
        payout = {"id": f"P-{ref}", "source": "boatsetter", "paid_on": "2026-06-05", "amount": "700", "reference": ref}
        save_row(demo_app.store, "demo", "payouts", payout, clock=demo_app.clock)
    clock.set(datetime(2026, 6, 10, 16, 0, tzinfo=UTC))
    for ref in booked:
        cancel_booking(demo_app, "demo", booked[ref].id)
    clock.set(datetime(2026, 6, 11, 19, 0, tzinfo=UTC))
    for ref, refund, clawback in (("BO-77", "-840.75", "-700"), ("BO-79", "-600.75", "-500")):
        back = {"id": f"P-{ref}-back", "source": "boatsetter", "paid_on": "2026-06-11", "amount": clawback,
                "reference": ref}  # fmt: skip
        line = {"id": f"R-{ref}-refund", "entity": "saltwind-charters", "source": "booking:boatsetter",
                "recorded_on": "2026-06-11", "service_date": "2026-06-11", "amount": refund,
                "reference": ref}  # fmt: skip
        save_row(demo_app.store, "demo", "payouts", back, clock=demo_app.clock)
        save_row(demo_app.store, "demo", "revenue", line, clock=demo_app.clock)
    documents = build_documents(build_snapshot(demo_app, "demo", as_of=date(2026, 7, 20)), ["cfo", "accounting"])
    burn = next(s for s in documents["cfo"].sections if s.title == "Monthly burn")
    june = next(row for row in burn.tables[0].rows if row[0] == "Jun 2026")
    assert june[4] == "$240"  # the fee kept; the refund in full nets its booking to nothing
    assert not [f.title for f in documents["accounting"].findings if "BO-77" in f.title or "BO-79" in f.title]


def _sold_and_invoiced_in_june(app: App, booking_ref: str, invoice_id: str) -> None:
    """A $840.75 charter booked through firstmate on 13 June 2026, and a $4,200 invoice issued on 10 June."""
    from firstmate.domain.bookings import BookingRequest
    from firstmate.services.bookings import orchestrate_booking
    from firstmate.services.data import save_row
    from tests.conftest import booking_body

    body = booking_body(source="boatsetter", external_id=booking_ref, start="2026-06-13T16:00:00-07:00")
    orchestrate_booking(app, "demo", BookingRequest.model_validate(body), tell=False)
    invoice = {"id": invoice_id, "entity": "keel-advisory", "client": "Example Marine", "issued": "2026-06-10",
               "due": "2026-07-10", "amount": "4200.00"}  # fmt: skip
    save_row(app.store, "demo", "invoices", invoice, clock=app.clock)


def _in_the_books(app: App, lines: tuple[tuple[str, ...], ...]) -> None:
    """revenue.csv rows: (id, entity, source, recorded_on, service_date, amount, reference[, deposit])."""
    from firstmate.services.data import save_row

    for key, entity, source, recorded, served, amount, reference, *deposit in lines:
        row = {"id": key, "entity": entity, "source": source, "recorded_on": recorded, "service_date": served}
        save_row(app.store, "demo", "revenue", {**row, "amount": amount, "reference": reference,
                                                **({"deposit": deposit[0]} if deposit else {})},
                 clock=ON_THE_DATA_DAY)  # fmt: skip


def _june_revenue(app: App, day: date) -> tuple[str, set[str]]:
    """June 2026's revenue in the CFO's burn as of `day`, and the revenue lines of June it counted."""
    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.reports import build_snapshot

    snapshot = build_snapshot(app, "demo", as_of=day)
    burn = next(s for s in build_documents(snapshot, ["cfo"])["cfo"].sections if s.title == "Monthly burn")
    lines = {line.id for line in snapshot.revenue if line.service_date.month == 6}
    return next(row[4] for row in burn.tables[0].rows if row[0] == "Jun 2026"), lines


def test_a_booking_or_an_invoice_the_books_hold_under_its_reference_is_revenue_once(demo_app: App) -> None:
    """A review: a $840.75 charter booked through firstmate, which the bookkeeper also wrote in revenue.csv
    (deposit and balance, under the booking's reference), and a $4,200 invoice written there under its number,
    read June's revenue $10,082 in the CFO's burn: each sale twice. revenue.csv, the books, wins; a booking or
    an invoice counts on its own until the books hold its reference."""
    _sold_and_invoiced_in_june(demo_app, "BO-90", "KA-9001")
    _in_the_books(demo_app, (
        ("R-BO-90-D", "saltwind-charters", "booking:boatsetter", "2026-06-02", "2026-06-13", "200.00", "BO-90", True),
        ("R-BO-90-B", "saltwind-charters", "booking:boatsetter", "2026-06-20", "2026-06-13", "640.75", "BO-90", False),
        ("R-KA-9001", "keel-advisory", "invoice", "2026-07-05", "2026-06-10", "4200.00", "KA-9001", False),
    ))  # fmt: skip
    # 840.75 + 4,200, once each, as the books have them
    assert _june_revenue(demo_app, date(2026, 7, 20)) == ("$5,041", {"R-BO-90-D", "R-BO-90-B", "R-KA-9001"})
    # on 3 July the books did not hold the invoice yet: invoices.csv's counted for it
    assert _june_revenue(demo_app, date(2026, 7, 3)) == ("$5,041", {"R-BO-90-D", "R-BO-90-B", "invoice-KA-9001"})


def test_the_books_hold_a_booking_or_an_invoice_whatever_the_case_of_its_reference(demo_app: App) -> None:
    """A review: the bookkeeper wrote the booking BO-91 as "bo-91" and the invoice KA-9002 as "ka-9002" in
    revenue.csv, and June's revenue read each sale twice: the books held them under another case of their
    reference. A reference is matched whatever its case."""
    _sold_and_invoiced_in_june(demo_app, "BO-91", "KA-9002")
    _in_the_books(demo_app, (
        ("R-BO-91", "saltwind-charters", "booking:boatsetter", "2026-06-20", "2026-06-13", "840.75", "bo-91"),
        ("R-KA-9002", "keel-advisory", "invoice", "2026-07-05", "2026-06-10", "4200.00", "ka-9002"),
    ))  # fmt: skip
    assert _june_revenue(demo_app, date(2026, 7, 20)) == ("$5,041", {"R-BO-91", "R-KA-9002"})


def test_a_booking_the_books_hold_only_the_deposit_of_is_revenue_at_its_price(demo_app: App, clock: Any) -> None:
    """A review: a $840.75 charter booked through firstmate, whose $200 deposit the bookkeeper had written in
    revenue.csv under the booking's reference, and not yet its balance, read June's revenue $4,400 (the deposit
    and a $4,200 invoice): the deposit held the booking, which counted for $200 and as no sale. The books hold
    a booking when they hold its sale; until then the booking's balance counts beside its deposit. A booking
    cancelled by the report's day has no balance to come: the books say what it came to."""
    from datetime import UTC, datetime

    from firstmate.domain.reports.lenses import build_documents
    from firstmate.services.bookings import cancel_booking
    from firstmate.services.reports import build_snapshot

    _sold_and_invoiced_in_june(demo_app, "BO-92", "KA-9003")
    _in_the_books(demo_app, (
        ("R-BO-92-D", "saltwind-charters", "booking:boatsetter", "2026-06-02", "2026-06-13", "200.00", "BO-92", True),
        ("R-BO-92-B", "saltwind-charters", "booking:boatsetter", "2026-07-10", "2026-06-13", "640.75", "BO-92", False),
    ))  # fmt: skip
    # on 3 July the books held the deposit alone: 200 + the balance 640.75 + the invoice 4,200
    revenue, lines = _june_revenue(demo_app, date(2026, 7, 3))
    assert revenue == "$5,041" and "R-BO-92-D" in lines
    snapshot = build_snapshot(demo_app, "demo", as_of=date(2026, 7, 3))
    charter = [line for line in snapshot.revenue if line.reference == "BO-92"]
    assert sum(line.amount for line in charter) == Decimal("840.75")
    # and it is a sale: one charter in Apr–Jun at $841, where it read "no sale … refunds or deposits alone"
    even = next(s for s in build_documents(snapshot, ["cfo"])["cfo"].sections if s.title == "Break-even volume")
    row = next(r for r in even.tables[0].rows if r[0] == "Saltwind Charters")
    assert (row[1], row[2]) == ("0.3 charters", "$841")
    # on 20 July the books hold its balance too: counted once, as they have it
    assert _june_revenue(demo_app, date(2026, 7, 20)) == ("$5,041", {"R-BO-92-D", "R-BO-92-B", "invoice-KA-9003"})
    # cancelled on 10 June, its deposit kept: June earned the $200 the books hold, and the invoice
    booking_id = next(line.id for line in charter if line.id.startswith("booking-")).removeprefix("booking-")
    clock.set(datetime(2026, 6, 10, 16, 0, tzinfo=UTC))
    cancel_booking(demo_app, "demo", booking_id)
    assert _june_revenue(demo_app, date(2026, 7, 3))[0] == "$4,400"


def test_a_revenue_amount_with_more_places_than_its_currency_has_is_refused_saying_what_to_write(
    demo_app: App, tmp_path: Path
) -> None:
    """A review: revenue.csv took four decimal places in every currency (for BHD's three), so "12.345" was taken
    as dollars and "12000.50" as yen, shown "$12" and "12,001 JPY" with nothing said. An amount has the decimal
    places of business.yaml's currency, of the same import or the one stored, at most: in the admin form too."""
    from firstmate.errors import DataRejected
    from firstmate.services.data import save_row

    header = "id,entity,asset,source,recorded_on,service_date,amount,deposit,reference\n"

    def problems(files: dict[str, str]) -> list[tuple[str, str]]:
        return _folder_problems(demo_app, tmp_path, files)

    rows = "".join(
        f"R-{n},keel-advisory,,direct,2026-11-02,2026-11-02,{amount},,\n" for n, amount in ((1, "12.345"), (2, "12.34"))
    )
    assert problems({"revenue.csv": header + rows}) == [
        ("revenue.csv row 1 (line 2), field amount",
         "12.345 has more decimal places than USD's 2 (business.yaml's currency): write it like 12.34"),
    ]  # fmt: skip
    # a dinar has three places, in an import whose business.yaml says so
    dinars = "R-3,keel-advisory,,direct,2026-11-02,2026-11-02,12.3456,,\n"
    assert problems({"business.yaml": "currency: BHD\n", "revenue.csv": header + rows + dinars}) == [
        ("revenue.csv row 3 (line 4), field amount",
         "12.3456 has more decimal places than BHD's 3 (business.yaml's currency): write it like 12.345"),
    ]  # fmt: skip
    # yen stored: a revenue.csv of yen with sen is refused on its own import, and in the admin form
    save_row(demo_app.store, "demo", "finance", {"currency": "JPY"}, clock=demo_app.clock)
    yen = "R-4,keel-advisory,,direct,2026-11-02,2026-11-02,12000.50,,\n"
    assert problems({"revenue.csv": header + yen}) == [
        ("revenue.csv row 1 (line 2), field amount",
         "12000.50 has cents, and JPY has none (business.yaml's currency): write the amount in whole JPY, like 12000"),
    ]  # fmt: skip
    line = {"id": "R-5", "entity": "keel-advisory", "recorded_on": "2026-11-02", "service_date": "2026-11-02"}
    with pytest.raises(DataRejected, match=r"12000\.50 has cents, and JPY has none"):
        save_row(demo_app.store, "demo", "revenue", {**line, "amount": "12000.50"}, clock=ON_THE_DATA_DAY)
    save_row(demo_app.store, "demo", "revenue", {**line, "amount": "12000"}, clock=ON_THE_DATA_DAY)


def _folder_problems(app: App, tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    """Where and what each problem is of a data folder holding `files`, checked (not imported) for the demo."""
    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.errors import DataRejected
    from firstmate.services.data import check_data

    folder = tmp_path / f"data-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    raw = read_data_folder(folder)
    assert not isinstance(raw, list)
    try:
        check_data(app.store, "demo", raw, clock=ON_THE_DATA_DAY)
    except DataRejected as rejected:
        return [(e.where, e.problem) for e in rejected.errors]
    return []


def test_every_amount_of_the_data_folder_keeps_to_its_currencys_decimal_places(demo_app: App, tmp_path: Path) -> None:
    """A review: only revenue.csv followed the currency; every other amount (an expense, an invoice, a payout,
    an occupancy's revenue, business.yaml's cash…) took two decimal places whatever it was. A dinar's 12.345
    was refused, and 12000.50 yen were taken, then shown rounded. Each amount of money now has the places of
    business.yaml's currency at most, said in the same words as revenue.csv's; a count, a rate or a fraction
    keeps its own rule."""
    from fastapi.testclient import TestClient

    from firstmate.services.access import admin_link_token
    from firstmate.services.data import save_row
    from firstmate.web.app import create_app

    def problems(files: dict[str, str]) -> list[tuple[str, str]]:
        return _folder_problems(demo_app, tmp_path, files)

    expenses = "id,month,entity,category,vendor,amount,fixed,asset\nE-1,2026-11,saltwind-charters,fuel,Harbor Fuel,{}\n"
    payouts = "id,source,paid_on,amount,reference\nP-1,marketplace,2026-05-02,{},\n"
    occupancy = "asset,month,nights_available,nights_booked,revenue\nloft-unit,2026-10,31,18,{}\n"
    business = (
        "currency: {}\ncash: {{balance: {}, as_of: 2026-11-01}}\nfixed_costs: [{{name: Insurance, monthly: {}}}]\n"
        "goals: [{{metric: revenue, monthly: {}}}, {{metric: leads, monthly: 12.5}},"
        " {{metric: occupancy, monthly: 0.705}}]\n"
        "email_lists: [{{entity: saltwind-charters, subscribers: 1200, open_rate: 0.325, click_rate: 0.085,"
        " conversion_rate: 0.0305, average_order: {}}}]\n"
    )
    # a dinar's three places are taken in every file; a fourth is refused, naming file, row, field and the fix
    dinars = {
        "business.yaml": business.format("BHD", "42000.125", "650.250", "20000.500", "65.125"),
        "expenses.csv": expenses.format("12.345,false,"),
        "occupancy.csv": occupancy.format("3780.125"),
        "payouts.csv": payouts.format("1232.5005"),
    }
    assert problems(dinars) == [
        ("payouts.csv row 1 (line 2), field amount",
         "1232.5005 has more decimal places than BHD's 3 (business.yaml's currency): write it like 1232.500"),
    ]  # fmt: skip
    # in dollars, a third place is refused in business.yaml too, a fifth in the same words; counts and rates are not
    dollars = {"business.yaml": business.format("USD", "42000.125", "650.25", "20000.505", "65.12345")}
    assert problems(dollars) == [
        ("business.yaml, field cash.balance",
         "42000.125 has more decimal places than USD's 2 (business.yaml's currency): write it like 42000.12"),
        ("business.yaml, field goals.0.monthly",
         "20000.505 has more decimal places than USD's 2 (business.yaml's currency): write it like 20000.50"),
        ("business.yaml, field email_lists.0.average_order",
         "65.12345 has more decimal places than USD's 2 (business.yaml's currency): write it like 65.12"),
    ]  # fmt: skip
    # yen stored: sen are refused on import (once, not again for the paid_amount paid_on fills in from it), and
    # in the admin form (whole yen saved)
    save_row(demo_app.store, "demo", "finance", {"currency": "JPY"}, clock=demo_app.clock)
    invoices = (
        "id,entity,client,issued,due,amount,paid_on,paid_amount\n"
        "INV-1,keel-advisory,Example Co,2026-05-02,2026-06-02,12000.50,2026-05-20,\n"
    )
    assert problems({"invoices.csv": invoices}) == [
        ("invoices.csv row 1 (line 2), field amount",
         "12000.50 has cents, and JPY has none (business.yaml's currency): write the amount in whole JPY, like 12000"),
    ]  # fmt: skip
    cost = {"id": "M-1", "asset": "sea-lark", "date": "2026-11-02", "description": "Haul-out", "cost": "28000.50"}
    with TestClient(create_app(demo_app)) as client:
        client.get(f"/admin/enter?t={admin_link_token(demo_app.secret_key, demo_app.clock.now())}")
        refused = client.post("/admin/data/demo/maintenance", data=cost)
        assert refused.status_code == 422 and "cost: 28000.50 has cents, and JPY has none" in refused.text
        saved = client.post("/admin/data/demo/maintenance", data={**cost, "cost": "28000"}, follow_redirects=False)
        assert saved.status_code == 303 and "28000.50" not in client.get("/admin/data/demo/maintenance").text


def test_a_build_waiting_for_another_reads_the_data_as_the_other_left_it(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds at once: the one that waited for the other's lease read its data before waiting, and
    stored last a report of data older than the other's. Now it reads once the lease is its own."""
    import threading

    from firstmate.ports import Item
    from firstmate.services import leases
    from firstmate.services.data import delete_row

    monkeypatch.setattr(leases, "POLL_S", 0.02)
    now = report_app.clock.now()
    lease = Item("ORG#demo#LEASE", "role-reports#2026-11-21", {"since": "2026-11-21T15:00:00.000000Z"},
                 ttl=int((now + leases.LEASE).timestamp()))  # fmt: skip
    report_app.store.put(lease)  # another process, building

    def the_other_build_ends() -> None:  # it changed the data before it finished (an import beside it, say)
        invoices = data_rows(report_app.store, "demo", "invoices")
        open_one = next(k for k, i in invoices if getattr(i, "open_amount", 0) > 0)
        delete_row(report_app.store, "demo", "invoices", open_one)
        report_app.store.transact([Delete("ORG#demo#LEASE", "role-reports#2026-11-21")])

    other = threading.Timer(0.5, the_other_build_ends)
    other.start()
    [waited] = run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    other.join()
    [afresh] = run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    assert waited.report.data == afresh.report.data  # the invoice deleted while it waited is not in it


def test_a_build_that_held_its_lease_too_long_stores_nothing_more_once_another_took_it_over(
    report_app: App,
) -> None:
    from firstmate.errors import StoreUnavailable
    from firstmate.ports import Item

    key = ("ORG#demo#LEASE", "role-reports#2026-11-21")

    titles: list[str] = []

    def taken_over(title: str) -> None:
        titles.append(title)
        if len(titles) == 2:  # by the second role, its build outlived its lease and another build took it
            report_app.store.put(Item(*key, {"since": "2026-11-21T15:11:00.000000Z", "holder": "another"}))

    with pytest.raises(StoreUnavailable, match="another took over: nothing more of it was stored"):
        run_role_reports(report_app, "demo", ["billing", "accounting"], as_of=TODAY, progress=taken_over)
    assert titles == ["Accounting / Controller", "Portfolio billing audit"]
    assert report_app.blobs.head("reports/demo/roles/2026-11-21/accounting.html")
    assert not report_app.blobs.head("reports/demo/roles/2026-11-21/billing.html")  # the other build's to store
    assert report_app.store.get(*key) is not None  # nor did it release the other's lease


def test_a_build_whose_lease_is_taken_over_while_it_stores_a_report_does_not_store_it(report_app: App) -> None:
    """A build whose storing of one report outlived its lease, another build taking the day over meanwhile,
    still stored that report (entry and files) over the other's turn: it stopped only before the next one.
    Now the report's entry is stored only while nobody took the lease since: it stores nothing, puts back
    the files it had written, and the other keeps its lease."""
    from firstmate.domain.shared import iso
    from firstmate.errors import LeaseLost
    from firstmate.services.reports import list_role_reports

    slow, taken = _taken_over_at_first_file(report_app, _another_takes_the_day(report_app))
    with pytest.raises(LeaseLost, match="another took over: nothing more of it was stored"):
        run_role_reports(slow, "demo", ["billing"], as_of=TODAY)
    day = "reports/demo/roles/2026-11-21"
    assert taken and list_role_reports(report_app.store, "demo") == []  # no entry of the day's report
    assert not [kind for kind in ("html", "txt", "json", "pdf") if report_app.blobs.head(f"{day}/billing.{kind}")]
    lease = report_app.store.get("ORG#demo#LEASE", "role-reports#2026-11-21")
    assert lease is not None and lease.data["since"] == iso(report_app.clock.now())  # the other build's, still held


def test_a_build_taken_over_while_it_stores_leaves_no_copy_in_its_out_folder(report_app: App, tmp_path: Path) -> None:
    """A known gap: `report … --out` taken over while it stored its report (its lease lost to another build) left
    its copies written in the folder, though it stored nothing: read as the day's report, which the other build
    stores. The copies are now written only once the report's entry is stored, as the weekly report's are."""
    from firstmate.errors import LeaseLost

    out = tmp_path / "out"
    slow, taken = _taken_over_at_first_file(report_app, _another_takes_the_day(report_app))
    with pytest.raises(LeaseLost, match="another took over: nothing more of it was stored"):
        run_role_reports(slow, "demo", ["billing"], as_of=TODAY, out=out)
    assert taken and sorted(p.name for p in out.iterdir()) == []  # nor a part file left behind

    cast(Any, taken[0]).__exit__(None, None, None)  # the other build ends
    [run] = run_role_reports(report_app, "demo", ["accounting"], as_of=TODAY, out=out)  # one stored: its copies
    assert sorted(p.name for p in out.iterdir()) == [f"accounting.{kind}" for kind in ("html", "json", "pdf", "txt")]
    assert sorted(run.written) == sorted(out.iterdir())


def test_a_build_taken_over_while_it_stores_leaves_the_report_the_other_stored_whole(report_app: App) -> None:
    """A build whose file write outlived its lease, another build storing the same report meanwhile, put back
    what was there before it began when it found the lease lost: the other's report stayed listed, its files
    deleted ("no … report" on opening it). Its files landed after the other's: they stay, a whole report."""
    from firstmate.errors import LeaseLost
    from firstmate.services.reports import list_role_reports, role_report_file

    slow, _ = _taken_over_at_first_file(
        report_app, lambda: run_role_reports(report_app, "demo", ["billing"], as_of=TODAY)
    )
    with pytest.raises(LeaseLost, match="another took over: nothing more of it was stored"):
        run_role_reports(slow, "demo", ["billing"], as_of=TODAY)
    assert [r["role"] for r in list_role_reports(report_app.store, "demo")] == ["billing"]  # the other's, listed
    for kind in ("html", "txt", "json", "pdf"):  # and it opens
        assert role_report_file(report_app, "demo", "billing", "2026-11-21", kind)


def test_a_long_build_keeps_its_lease_while_it_lives(report_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from firstmate.adapters.clock import FixedClock
    from firstmate.errors import StoreUnavailable
    from firstmate.services import leases

    clock = report_app.clock
    assert isinstance(clock, FixedClock)
    monkeypatch.setattr(leases, "WAIT_S", 0.1)
    tried: list[str] = []

    def slowly(title: str) -> None:  # each role's report takes six minutes (a store that slow, say)
        clock.advance(timedelta(minutes=6))
        another = leases.exclusive(report_app, "demo", "role-reports#2026-11-21", doing="building these role reports")
        with pytest.raises(StoreUnavailable, match="another process is building these role reports"), another:
            pass
        tried.append(title)

    runs = run_role_reports(report_app, "demo", ["billing", "accounting", "cfo"], as_of=TODAY, progress=slowly)
    assert len(runs) == 3 and len(tried) == 3  # 18 minutes: past a lease of 10, still its own to the end


def test_a_build_that_loses_its_lease_on_its_last_report_says_so_though_an_earlier_lens_failed(
    report_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build whose lease was taken over while it stored its last report, one lens having failed before,
    raised that lens's error: the user never read "another took over" and the exit code was not 4's."""
    from firstmate.domain.reports import lenses
    from firstmate.errors import LeaseLost

    def broken(snapshot: object) -> object:
        raise ZeroDivisionError("the CFO's lens divided by zero")

    monkeypatch.setitem(lenses.LENSES, "cfo", broken)
    slow, taken = _taken_over_at_first_file(report_app, _another_takes_the_day(report_app))
    with pytest.raises(LeaseLost, match="another took over"):
        run_role_reports(slow, "demo", ["cfo", "billing"], as_of=TODAY)
    assert taken


def _taken_over_at_first_file(app: App, meanwhile: Callable[[], object]) -> tuple[App, list[object]]:
    """`app` whose first report file of the day takes past the lease, `meanwhile` (another build) running then;
    also the list of what `meanwhile` returned, empty until it ran."""
    from dataclasses import replace

    from firstmate.adapters.clock import FixedClock
    from firstmate.services import leases

    clock = app.clock
    assert isinstance(clock, FixedClock)
    ran: list[object] = []
    first = threading.Lock()  # a report's files are put at once: the first put to begin is the slow one

    class SlowDisk(FailingWrites):
        def put(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> BlobInfo:
            with first:
                if not ran:
                    clock.advance(leases.LEASE + timedelta(minutes=1))
                    ran.append(meanwhile())
            return super().put(key, data, content_type)

    return replace(app, blobs=SlowDisk(app.blobs, nth=99, prefix="reports/demo/roles/2026-11-21")), ran


def _another_takes_the_day(app: App) -> Callable[[], object]:
    """Another build taking the day's lease (and never leaving it: it is still at it)."""
    from firstmate.services import leases

    def take() -> object:
        other = leases.exclusive(app, "demo", "role-reports#2026-11-21", doing="building")
        other.__enter__()
        return other

    return take
