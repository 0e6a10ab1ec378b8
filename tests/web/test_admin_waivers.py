"""The admin's waivers page (/admin/waivers): the operator asked "show me the signed waivers for Saturday's trip" had
no page to show them; now a trip's guests are listed with their waiver, each signed one as its PDF."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from firstmate.bootstrap import App
from firstmate.domain.bookings import Booking
from firstmate.domain.guests import SigningForm
from firstmate.services import waivers
from firstmate.services.bookings import cancel_booking, list_guests
from firstmate.services.guests import CodeTarget, sign_waiver
from firstmate.web.app import create_app
from tests.conftest import sign_on_page
from tests.reads import RecordingStore, admin_browser
from tests.security.conftest import Tenant, book, operator, sign_in
from tests.security.conftest import rival as rival  # the fixture: a second org built like the demo one


def _signed_group(app: App) -> Booking:
    """A Saturday trip (13 Jun 2026, 16:00 PDT) whose guests went through their real pages: Robin signed (typing
    the name in lower case), the lead said she is coming and has not signed, Kit has said nothing."""
    booking = book(app, guest_count=4)
    guest = TestClient(create_app(app))
    lead = booking.guest_code
    assert guest.post(f"/g/{lead}/guests", data={"name": "Robin Sample", "email": "robin@example.com"}).is_success
    assert guest.post(f"/g/{lead}/guests", data={"name": "Kit Sample"}).is_success
    assert guest.post(f"/g/{lead}/confirm").is_success
    robin = next(g for g in list_guests(app.store, "demo", booking.id) if g.name == "Robin Sample")
    page = guest.get(f"/g/{robin.code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None
    assert guest.post(f"/g/{robin.code}/confirm").is_success
    form = {"typed_name": "robin sample", "agree": "yes", "waiver_version": version.group(1)}
    assert guest.post(f"/g/{robin.code}/waiver", data=form, follow_redirects=False).status_code == 303
    return booking


def _rows(html: str) -> dict[str, str]:
    """Each guest's row of the page, by the name it starts with, as text."""
    rows = re.findall(r"<tr class=\"waiver-[a-z-]+\">(.*?)</tr>", html, re.S)
    return {re.sub(r"<[^>]+>", "", row).split("\n")[1].split(" (")[0].strip(): re.sub(r"\s+", " ", row) for row in rows}


def test_the_operator_sees_a_trips_waivers_and_opens_a_signed_one(demo_app: App) -> None:
    booking = _signed_group(demo_app)
    admin = operator(demo_app)
    page = admin.get("/admin/waivers", params={"org": "demo", "from": "2026-06-13", "to": "2026-06-13"})
    assert page.status_code == 200
    assert "Sat 13 Jun 2026, 16:00 PDT to 19:00 · Sea Lark" in page.text and "1 of 3 signed" in page.text
    rows = _rows(page.text)
    assert set(rows) == {"Dana Whitcomb", "Robin Sample", "Kit Sample"}
    robin = rows["Robin Sample"]
    # the name as typed, when in the business's zone, which text (its business line and version)
    assert "signed" in robin and "<q>robin sample</q>" in robin and "Mon 1 Jun 2026, 09:00 PDT" in robin
    assert "Saltwind Charters" in robin and re.search(r"version <code>[0-9a-f]{16}</code>", robin)
    assert "not signed" in rows["Dana Whitcomb"] and "the departure waits for them" in rows["Dana Whitcomb"]
    assert "dana@example.com" in rows["Dana Whitcomb"] and "+1 415 555 0148" in rows["Dana Whitcomb"]
    assert "not coming" in rows["Kit Sample"] and ".pdf" not in rows["Kit Sample"]
    [link] = re.findall(r'href="(/admin/waivers/[^"]+\.pdf)"', page.text)
    pdf = admin.get(link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert 'filename="2026-06-13-g2-robin-sample.pdf"' in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "robin sample" in text and booking.id in text
    # the same trip named by its id, booking or crew event
    for trip in (booking.id, booking.event_id):
        assert "<q>robin sample</q>" in admin.get("/admin/waivers", params={"org": "demo", "trip": trip}).text
    # the week from today (1 Jun) when no day is given: Saturday the 13th is not in it
    assert "No trip departs from 2026-06-01 to 2026-06-07" in admin.get("/admin/waivers").text


def test_an_unsigned_waiver_and_a_mistyped_address_say_so(demo_app: App) -> None:
    booking = _signed_group(demo_app)
    admin = operator(demo_app)
    assert admin.get(f"/admin/waivers/demo/{booking.id}/g1.pdf").status_code == 404  # the lead has not signed
    assert admin.get(f"/admin/waivers/demo/{booking.id}/g9.pdf").status_code == 404
    refused = admin.get("/admin/waivers", params={"from": "13/06/2026"})
    assert refused.status_code == 422 and "write it like 2026-06-13" in refused.text
    backwards = admin.get("/admin/waivers", params={"from": "2026-06-13", "to": "2026-06-01"})
    assert backwards.status_code == 422 and "give the earlier day first" in backwards.text
    not_an_id = admin.get("/admin/waivers", params={"trip": "Saturday"})
    assert not_an_id.status_code == 422 and "booking id (bk_…) or its event id (ev_…)" in not_an_id.text
    assert admin.get("/admin/waivers", params={"trip": "bk_0123abcd"}).status_code == 404


def test_another_orgs_admin_finds_no_waiver_of_this_org(demo_app: App, rival: Tenant) -> None:
    booking = _signed_group(demo_app)
    theirs = sign_in(demo_app, "marisol", "rival")  # the rival's admin
    assert theirs.get(f"/admin/waivers/demo/{booking.id}/g2.pdf").status_code == 404
    assert theirs.get(f"/admin/waivers/rival/{booking.id}/g2.pdf").status_code == 404
    assert theirs.get("/admin/waivers", params={"org": "demo"}).status_code == 404
    for params in ({"trip": booking.id}, {"from": "2026-06-13", "to": "2026-06-13"}):
        answer = theirs.get("/admin/waivers", params=params)
        assert "Robin Sample" not in answer.text and "robin sample" not in answer.text
    own = theirs.get("/admin/waivers", params={"from": "2026-06-13", "to": "2026-06-13"})
    assert own.status_code == 200 and rival.booking.id in own.text  # their own trip that day
    assert sign_in(demo_app, "priya").get("/admin/waivers").status_code == 403  # crew are no admins
    assert TestClient(create_app(demo_app)).get("/admin/waivers").status_code == 401


def test_a_range_of_many_trips_is_listed_a_page_at_a_time(demo_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(waivers, "PAGE_TRIPS", 2)
    starts = ["2026-06-13T09:00:00-07:00", "2026-06-13T13:00:00-07:00", "2026-06-14T09:00:00-07:00"]
    booked = [book(demo_app, external_id=f"W-{n}", start=start) for n, start in enumerate(starts)]
    admin = operator(demo_app)
    first = admin.get("/admin/waivers", params={"org": "demo", "from": "2026-06-13", "to": "2026-06-14"}).text
    assert [b.id for b in booked[:2]] == re.findall(r"Booking <code>(bk_[0-9a-f]+)</code>", first)
    [later] = set(re.findall(r'href="(\?[^"]*after=[^"]+)" rel="next"', first))
    second = admin.get("/admin/waivers" + later.replace("&amp;", "&")).text
    assert [booked[2].id] == re.findall(r"Booking <code>(bk_[0-9a-f]+)</code>", second)
    assert 'rel="next"' not in second and ">first</a>" in second


def test_a_signature_stays_when_its_guest_cannot_come_and_a_cancelled_trip_leaves_the_range(demo_app: App) -> None:
    booking = _signed_group(demo_app)
    robin = next(g for g in list_guests(demo_app.store, "demo", booking.id) if g.name == "Robin Sample")
    assert TestClient(create_app(demo_app)).post(f"/g/{robin.code}/withdraw").is_success
    admin = operator(demo_app)
    saturday = {"org": "demo", "from": "2026-06-13", "to": "2026-06-13"}
    row = _rows(admin.get("/admin/waivers", params=saturday).text)["Robin Sample"]
    assert "signed" in row and "has not said they are coming" in row and ".pdf" in row  # the record is kept
    cancel_booking(demo_app, "demo", booking.id)
    assert "No trip departs from 2026-06-13 to 2026-06-13" in admin.get("/admin/waivers", params=saturday).text
    one = admin.get("/admin/waivers", params={"org": "demo", "trip": booking.id}).text  # asked by its id: shown
    assert "<strong>cancelled</strong>" in one and "<q>robin sample</q>" in one


def test_a_signed_guest_who_is_coming_is_not_listed_as_undecided(demo_app: App) -> None:
    # Robin said he is coming, then signed: his row read "has not said they are coming" beside his signature
    _signed_group(demo_app)
    saturday = {"org": "demo", "from": "2026-06-13", "to": "2026-06-13"}
    rows = _rows(operator(demo_app).get("/admin/waivers", params=saturday).text)
    assert "signed" in rows["Robin Sample"] and "has not said they are coming" not in rows["Robin Sample"]
    assert "has not said they are coming" in rows["Kit Sample"]  # who has said nothing still reads so


def test_a_waiver_handed_to_an_insurer_holds_no_key_to_a_guests_page(demo_app: App) -> None:
    # the operator's PDF printed "page code 7KQ2…": whoever the operator handed it to (an insurer, a harbour master)
    # could open Robin's page, and with the lead's code remove or add guests; the guest's own copy keeps it
    booking = _signed_group(demo_app)
    robin = next(g for g in list_guests(demo_app.store, "demo", booking.id) if g.name == "Robin Sample")
    assert robin.code is not None
    admin = operator(demo_app)
    pdf = admin.get(f"/admin/waivers/demo/{booking.id}/{robin.id}.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert booking.id in text and "robin sample" in text
    squeezed = re.sub(r"[^0-9A-Z]", "", text)
    assert robin.code not in squeezed and "page code" not in text
    own = TestClient(create_app(demo_app)).get(f"/g/{robin.code}/waiver.pdf")
    assert "page code" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(own.content)).pages)


def test_a_name_with_a_direction_override_or_a_control_character_is_refused(demo_app: App) -> None:
    # "Ana\u202eexe.live" (a right-to-left override) was added as typed and listed on the operator's page and in
    # `waivers list` as "Anaevil.exe" reversed; a C1 control or a line separator went out raw in the list's lines
    booking = book(demo_app, guest_count=6)
    guest = TestClient(create_app(demo_app))
    for name in ("Ana\u202eexe.live", "Kit\u2066Sample\u2069", "Kit\x9b31mSample", "Kit\x85Sample", "Kit\u2028Sample"):
        added = guest.post(f"/g/{booking.guest_code}/guests", data={"name": name})
        assert added.status_code == 422 and "without control characters" in added.text, (name, added.text[-300:])
    assert [g.name for g in list_guests(demo_app.store, "demo", booking.id)] == ["Dana Whitcomb"]  # nothing added
    assert guest.post(f"/g/{booking.guest_code}/guests", data={"name": "Ana \u05d3\u05d5\u05d3"}).is_success


def test_a_large_signed_group_reads_its_waiver_text_once(demo_app: App) -> None:
    # each signed guest's row read the text they signed again, to name its business line: a group of 40 signed
    # guests read the same item 40 times for one trip, 2,000 for a page of 50 such trips
    booking = book(demo_app, guest_count=40)
    guest = TestClient(create_app(demo_app))
    for n in range(39):
        assert guest.post(f"/g/{booking.guest_code}/guests", data={"name": f"Guest Number{n}"}).is_success
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', guest.get(f"/g/{booking.guest_code}").text)
    assert version is not None
    for listed in list_guests(demo_app.store, "demo", booking.id):  # as each one's page signs (its views limited)
        form = SigningForm(typed_name=listed.name, agree=True, waiver_version=version.group(1))
        sign_waiver(demo_app, CodeTarget("demo", booking.id, listed.id), form, ip="192.0.2.7", user_agent="Phone")
    store = RecordingStore(demo_app.store)
    with admin_browser(demo_app, store) as (_, admin):
        page = admin.get("/admin/waivers", params={"org": "demo", "trip": booking.id})
    assert "40 of 40 signed" in page.text and page.text.count("Saltwind Charters<br>") == 40
    # at most once (none for signatures that name their business line, as they do since 2026-12-06)
    assert len([key for key in store.read if key[1].startswith("WAIVERTEXT#")]) <= 1


def test_a_booking_handed_to_another_lead_keeps_the_old_leads_signature_on_record_not_for_the_departure(
    demo_app: App,
) -> None:
    """A known gap: Dana signed, then the channel handed the booking to Sam Rivera: Dana's signature was dropped, and
    an insurer asking who signed found no trace of it. It is kept, listed as the former lead's (no longer in the
    group), with its PDF; it counts neither in the group's signed nor for the departure, which waits for Sam's."""
    from firstmate.domain.guests import GuestStatus
    from tests.security.conftest import book as booked

    booking = booked(demo_app, guest_count=3, external_id="W-HANDED")
    guest = TestClient(create_app(demo_app))
    sign_on_page(guest, booking.guest_code, "Dana Whitcomb")
    sam = {"name": "Sam Rivera", "email": "sam@example.com"}
    handed = booked(demo_app, guest_count=3, external_id="W-HANDED", lead_guest=sam)
    [lead] = list_guests(demo_app.store, "demo", booking.id)
    assert (lead.name, lead.status, lead.waiver) == ("Sam Rivera", GuestStatus.INVITED, None)  # the group: Sam
    new = TestClient(create_app(demo_app))
    assert new.post(f"/g/{handed.guest_code}/confirm").is_success  # Sam is coming and has not signed
    admin = operator(demo_app)
    page = admin.get("/admin/waivers", params={"org": "demo", "trip": booking.id})
    assert page.status_code == 200 and "0 of 1 signed" in page.text
    rows = _rows(page.text)
    assert set(rows) == {"Sam Rivera", "Dana Whitcomb"}
    assert "not signed" in rows["Sam Rivera"] and "the departure waits for them" in rows["Sam Rivera"]
    dana = rows["Dana Whitcomb"]
    assert "former lead, no longer in the group" in dana and "not counted for the departure" in dana
    assert "<q>Dana Whitcomb</q>" in dana and "Mon 1 Jun 2026, 09:00 PDT" in dana and "Saltwind Charters" in dana
    [link] = re.findall(r'href="(/admin/waivers/[^"]+\.pdf)"', page.text)
    pdf = admin.get(link)
    assert (
        pdf.status_code == 200
        and 'filename="2026-06-13-g2-dana-whitcomb-former-lead.pdf"' in pdf.headers["content-disposition"]
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Dana Whitcomb (the former lead)" in text and booking.id in text and handed.guest_code not in text
    # the departure waits for Sam: Dana's signature does not tick the waivers
    trip = waivers.trip_waivers(demo_app, "demo", booking.id)
    assert trip.signed == 0 and [r.guest.name for r in trip.former] == ["Dana Whitcomb"]
    # a guest added next gets an id of their own, not the one Dana's signature is kept under
    assert guest.post(f"/g/{handed.guest_code}/guests", data={"name": "Robin Sample"}).is_success
    assert [g.id for g in list_guests(demo_app.store, "demo", booking.id)] == ["g1", "g3"]


def test_a_booking_handed_back_to_its_former_lead_is_theirs_again_signed(demo_app: App) -> None:
    """A review: Dana signed, the channel handed the booking to Sam, then back to Dana: she was the lead again but
    unsigned (the departure waited for her to sign a second time), and still listed as "former lead, no longer in
    the group". Handed back, her record is hers again, signed as she signed; Sam, who never signed, leaves none."""
    from firstmate.domain.guests import GuestStatus
    from tests.security.conftest import book as booked

    booking = booked(demo_app, guest_count=3, external_id="W-BACK")
    sign_on_page(TestClient(create_app(demo_app)), booking.guest_code, "Dana Whitcomb")
    booked(demo_app, guest_count=3, external_id="W-BACK", lead_guest={"name": "Sam Rivera", "email": "sam@example.com"},
           notes="Handed to Sam")  # fmt: skip
    dana = {"name": "Dana Whitcomb", "email": "dana@example.com", "phone": "+1 415 555 0148"}
    back = booked(demo_app, guest_count=3, external_id="W-BACK", lead_guest=dana, notes="Back to Dana")
    [lead] = list_guests(demo_app.store, "demo", booking.id)
    assert (lead.name, lead.status, lead.waiver is not None) == ("Dana Whitcomb", GuestStatus.CONFIRMED, True)
    trip = waivers.trip_waivers(demo_app, "demo", back.id)
    assert trip.signed == 1 and trip.former == []
    rows = _rows(operator(demo_app).get("/admin/waivers", params={"org": "demo", "trip": back.id}).text)
    assert set(rows) == {"Dana Whitcomb"} and "former lead" not in rows["Dana Whitcomb"]
