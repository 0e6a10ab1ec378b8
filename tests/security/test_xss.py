"""XSS in every user-supplied field: markup typed into a booking (by API, so by any channel), the
guest forms, the waiver, a checklist override, the admin data form, or a URL, comes back escaped
on every page, mail and report that shows it; and every page tells the browser to run only the
app's own scripts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.guests import NewGuest
from firstmate.domain.redaction import crew_notes
from firstmate.services import outbox
from firstmate.services.bookings import list_guests
from firstmate.services.guests import CodeTarget, add_guest, confirm_attendance
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.security.conftest import book, operator, sign_in

SCRIPT = '<script>alert("fm")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 9973 * 7919 }}"  # 78976187 if a template ever evaluated what a user typed
#: What no page may contain: the markup as typed (escaped, it reads &lt;script&gt;…), or evaluated.
RAW = ("<script>alert(", "<img src=x", "78976187")
HTML = {"accept": "text/html"}


def _hostile_trip(app: App) -> tuple[str, str, str]:
    """A trip whose every free-text field holds markup; returns (event id, lead's code, invitee's code)."""
    booking = book(
        app,
        external_id=f"X{ATTRIBUTE}",
        guest_count=4,
        notes=f"Cake {SCRIPT} {TEMPLATE}",
        private_notes=f"VIP {ATTRIBUTE}",
        lead_guest={"name": f"Dana {SCRIPT}", "email": "dana@example.com"},
    )
    guest = TestClient(create_app(app))
    added = guest.post(f"/g/{booking.guest_code}/guests", data={"name": f"Robin {ATTRIBUTE}", "minor": "yes",
                                                                  "email": "robin@example.com"})  # fmt: skip
    assert added.status_code == 200  # after the redirect
    kit = NewGuest(name=f"Kit {TEMPLATE} {SCRIPT}", minor=True)  # a minor: a guardian signs too
    invitee = add_guest(app, CodeTarget("demo", booking.id, "g1"), kit)
    assert invitee.code is not None
    page = guest.get(f"/g/{invitee.code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None
    signing = {"typed_name": f"Kit {TEMPLATE} {SCRIPT}", "guardian_name": f"Pat {SCRIPT}", "agree": "yes",
               "waiver_version": version.group(1)}  # fmt: skip
    assert guest.post(f"/g/{invitee.code}/waiver", data=signing, follow_redirects=False).status_code == 303
    confirm_attendance(app, CodeTarget("demo", booking.id, "g1"))  # the lead is coming, waiver unsigned
    return booking.event_id, booking.guest_code, invitee.code


def _assert_escaped(where: str, answer: object) -> str:
    """The answer's text, checked: JSON is data (typed text comes back as typed, never sniffed as a
    page); anything else shows no markup as typed, and pages run only the app's own scripts."""
    text: str = answer.text  # type: ignore[attr-defined]
    headers = answer.headers  # type: ignore[attr-defined]
    assert headers["x-content-type-options"] == "nosniff", where
    if headers.get("content-type", "").startswith("application/json"):
        return text
    found = [raw for raw in RAW if raw in text]
    assert not found, f"{where} shows {found} unescaped"
    if headers.get("content-type", "").startswith("text/html"):
        scripts = headers["content-security-policy"].split("script-src", 1)[1].split(";")[0]
        assert scripts.strip() == "'self'", where
    return text


def test_markup_in_any_field_comes_back_escaped_everywhere(demo_app: App) -> None:
    event_id, lead_code, invitee_code = _hostile_trip(demo_app)
    jonah, marisol, anyone = sign_in(demo_app, "jonah"), sign_in(demo_app, "marisol"), TestClient(create_app(demo_app))
    booking_id = get_event(demo_app.store, "demo", event_id).booking_id
    [robin] = [g.id for g in list_guests(demo_app.store, "demo", booking_id) if g.name.startswith("Robin")]
    jonah.post(f"/crew/events/{event_id}/roles/captain/claim")
    for key in ("fuel", "life_jackets", "engine_hours_out"):
        jonah.post(f"/crew/events/{event_id}/checklist/{key}/tick")
    refusal = jonah.post(f"/crew/events/{event_id}/checklist/waivers/tick")  # names who has not signed
    marisol.post(f"/crew/events/{event_id}/checklist/waivers/tick", data={"reason": f"Paper {SCRIPT} {TEMPLATE}"})
    answers = {
        "crew refusal naming the unsigned": refusal,
        "guest page (lead)": anyone.get(f"/g/{lead_code}"),
        "guest page (invitee)": anyone.get(f"/g/{invitee_code}"),
        "guest page with an error": anyone.get(f"/g/{lead_code}", params={"error": SCRIPT + ATTRIBUTE}),
        "guest page asking to remove a guest": anyone.post(f"/g/{lead_code}/guests/{robin}/remove"),
        "crew trips": jonah.get("/crew"),
        "crew trip page": jonah.get(f"/crew/events/{event_id}"),
        "crew trip page with an error": jonah.get(f"/crew/events/{event_id}", params={"error": SCRIPT}),
        "admin trip page": marisol.get(f"/crew/events/{event_id}"),
        "admin outbox": marisol.get("/admin/outbox"),
        "admin waivers": marisol.get("/admin/waivers", params={"trip": booking_id}),
        "crew api": jonah.get(f"/api/v1/events/{event_id}"),
    }
    for entry in outbox.list_entries(demo_app.store, "demo", limit=500):
        answers[f"admin view of {entry.key}"] = marisol.get(f"/admin/outbox/demo/{entry.key}")
    texts = {where: _assert_escaped(where, answer) for where, answer in answers.items()}
    assert "Yes, remove Robin &#34;&gt;&lt;img" in texts["guest page asking to remove a guest"]  # the name is shown
    # the fields really are shown (escaped), so the checks above looked at them
    assert (
        "Dana &lt;script&gt;" in texts["guest page (lead)"] and "Robin &#34;&gt;&lt;img" in texts["guest page (lead)"]
    )
    assert "(guardian: Pat &lt;script&gt;" in texts["guest page (invitee)"]
    # the signed waivers' list shows the names as typed, escaped: the guest's, the guardian's, the group's
    for shown in ("<q>Kit {{ 9973 * 7919 }} &lt;script&gt;", "<q>Pat &lt;script&gt;", "Robin &#34;&gt;&lt;img"):
        assert shown in texts["admin waivers"], shown
    # the notes as crew read them: figures nothing names are hidden ("{{ [amount hidden] * [amount hidden] }}")
    assert crew_notes(TEMPLATE) in texts["crew trip page"] and TEMPLATE in texts["admin trip page"]
    assert "Dana &lt;script&gt;" in texts["crew refusal naming the unsigned"]
    assert texts["crew trip page"].count("{{") >= 1 and "VIP &#34;&gt;&lt;img" in texts["admin trip page"]
    assert "Paper <script>" in texts["crew api"]  # JSON carries it as typed: data, never a page
    for entry in outbox.list_entries(demo_app.store, "demo", limit=500):  # the HTML part of every mail
        assert not [raw for raw in RAW if raw in (entry.message.html or "")], f"mail {entry.key}"
    assert any("Dana &lt;script&gt;" in (e.message.html or "") for e in outbox.list_entries(demo_app.store, "demo"))
    assert get_event(demo_app.store, "demo", event_id).checklist  # the trip is still whole


def test_markup_in_a_url_is_never_reflected_raw(demo_app: App, client: TestClient) -> None:
    event_id, code, _ = _hostile_trip(demo_app)
    admin, crew = operator(demo_app), sign_in(demo_app, "theo")
    for where, browser, path, params in [
        ("guest code", client, f"/g/{SCRIPT}", None),
        ("photo check", client, f"/g/{code}/photos/check", {"id": SCRIPT}),
        ("crew link", client, "/crew/enter", {"t": SCRIPT}),
        ("crew trip id", crew, f"/crew/events/{SCRIPT}", None),
        ("crew role", crew, f"/api/v1/events/{event_id}/roles/{SCRIPT}/claim", None),
        ("outbox org", admin, "/admin/outbox", {"org": SCRIPT}),
        ("outbox status", admin, "/admin/outbox", {"status": SCRIPT}),
        ("outbox key", admin, f"/admin/outbox/demo/{SCRIPT}", None),
        ("report week", admin, f"/admin/reports/demo/{SCRIPT}", None),
        ("report role", admin, f"/admin/reports/demo/roles/{SCRIPT}/2026-01-01", None),
        ("data kind", admin, f"/admin/data/demo/{SCRIPT}", None),
        ("data row", admin, "/admin/data/demo/payouts", {"edit": SCRIPT}),
        # the admin lists' places (2026-12-06): each names a row, and comes back in the page's links or its refusal
        ("data after", admin, "/admin/data/demo/payouts", {"after": SCRIPT, "q": ATTRIBUTE}),
        ("data before", admin, "/admin/data/demo/payouts", {"before": SCRIPT}),
        ("data at", admin, "/admin/data/demo/payouts", {"at": ATTRIBUTE}),
        ("waivers trip", admin, "/admin/waivers", {"trip": SCRIPT, "org": ATTRIBUTE}),
        ("waivers days", admin, "/admin/waivers", {"from": SCRIPT, "to": ATTRIBUTE}),
        ("waivers after", admin, "/admin/waivers", {"org": "demo", "after": SCRIPT}),
        ("waiver pdf", admin, f"/admin/waivers/demo/{SCRIPT}/g1.pdf", None),
        ("outbox after", admin, "/admin/outbox", {"after": SCRIPT}),
        ("outbox before", admin, "/admin/outbox", {"before": ATTRIBUTE, "q": SCRIPT}),
        ("outbox upto", admin, "/admin/outbox", {"upto": SCRIPT}),
        ("reports runs", admin, "/admin/reports", {"runs_after": SCRIPT}),
        ("reports roles", admin, "/admin/reports", {"roles_after": ATTRIBUTE}),
        ("guest removed", client, f"/g/{code}/guests/{SCRIPT}/remove", None),
    ]:
        for accept in (HTML, {"accept": "application/json"}):
            method = "POST" if path.endswith(("/claim", "/remove")) else "GET"
            _assert_escaped(where, browser.request(method, path, params=params, headers=accept))


def test_markup_in_business_data_is_escaped_on_the_admin_pages_and_in_reports(
    demo_app: App, clock: FixedClock, tmp_path: Path
) -> None:
    from firstmate.adapters.sources.data_folder import read_data_folder
    from firstmate.demo.business_data import write_demo_data
    from firstmate.services.data import check_data, import_data
    from firstmate.services.reports import run_role_reports

    today = date(2026, 11, 21)
    clock.set(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))  # a report is of a day that has come
    raw = read_data_folder(write_demo_data(tmp_path / "data", today))
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=demo_app.clock))
    admin = operator(demo_app)
    row = {"id": f"P{TEMPLATE}", "source": SCRIPT, "paid_on": "2026-11-01", "amount": "12.00", "reference": ATTRIBUTE}
    assert admin.post("/admin/data/demo/payouts", data=row, follow_redirects=False).status_code == 303
    refused = admin.post("/admin/data/demo/payouts", data={**row, "amount": SCRIPT})
    assert refused.status_code == 422
    _assert_escaped("data form refused", refused)
    assert "&lt;script&gt;" in _assert_escaped("data rows", admin.get("/admin/data/demo/payouts"))
    reports = {run.role: run.report.html for run in run_role_reports(demo_app, "demo", ["accounting"], as_of=today)}
    assert not [r for r in RAW if r in reports["accounting"]]
    assert "&lt;script&gt;" in reports["accounting"]  # the accounting report lists the payout


# moved here from tests/web/test_app.py
def test_pages_send_security_headers(client: TestClient) -> None:
    response = client.get("/", headers=HTML)
    assert response.status_code == 200 and "firstmate is running" in response.text
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_markup_in_a_crm_leads_utm_source_is_escaped_in_every_form_of_the_weekly_report(
    demo_app: App, clock: FixedClock
) -> None:
    """The weekly report's CRM sources table (2026-12-06) shows each lead's utm_source, which anyone writes into
    a link (?utm_source=…) and a form keeps: markup, a template, a line break or a control character there
    comes back escaped in the email and the page, one line in the text, and never breaks the PDF or the JSON."""
    import dataclasses
    import io
    import json

    from pypdf import PdfReader

    from firstmate.adapters.sources.hubspot import HubSpotSource
    from firstmate.adapters.sources.meta_ads import MetaAdsSource
    from firstmate.services.intel import run_weekly
    from firstmate.standin.data import build_history
    from firstmate.standin.server import HUBSPOT_TOKEN, META_TOKEN, running

    week = date(2026, 11, 9)
    clock.set(datetime(2026, 11, 21, 15, tzinfo=UTC))
    history = build_history(week)
    hostile = (SCRIPT, ATTRIBUTE, TEMPLATE, "news\nletter\r\x1b[31m\u202e")
    history.contacts[:] = [
        dataclasses.replace(contact, utm_source=hostile[n % len(hostile)]) if contact.utm_source else contact
        for n, contact in enumerate(history.contacts)
    ]
    with running(history) as server:
        sources = (
            MetaAdsSource(server.url, lambda: META_TOKEN, sleep=lambda _: None),
            HubSpotSource(server.url, lambda: HUBSPOT_TOKEN, sleep=lambda _: None),
        )
        run = run_weekly(demo_app, "demo", *sources)
    report = run.report
    for where, text in (("email", report.email_html), ("page", report.page_html)):
        assert not [raw for raw in RAW if raw in text], where
        assert "(utm_source" not in text and "&lt;script&gt;" in text, where  # shown, escaped, in its own cell
    section = report.text.partition("CRM LEADS BY SOURCE\n")[2].partition("\n\n")[0]
    assert "(utm_source news letter  " in section and "\x1b" not in section and "\u202e" not in section
    assert all(line.startswith(("- ", "All sources")) for line in section.splitlines()), section
    assert "78976187" not in report.text
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf)).pages)
    assert "CRM leads by source" in pdf and "78976187" not in pdf
    assert SCRIPT in {row["utm_source"] for row in json.loads(json.dumps(report.data))["facts"]["crm_sources"]}
