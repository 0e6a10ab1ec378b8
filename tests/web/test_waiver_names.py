"""docs/guests.md, "The waiver": a guest signs in their name as a person would judge it the same, whatever the form
the group or the booking channel wrote it in, and the departure waits for nothing more."""

from __future__ import annotations

import re
from io import BytesIO

from fastapi.testclient import TestClient
from pypdf import PdfReader

from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.services.bookings import list_guests, orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import booking_body
from tests.web.test_crew import sign_in


def _sign(client: TestClient, code: str, typed: str) -> tuple[int, str]:
    page = client.get(f"/g/{code}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None
    form = {"typed_name": typed, "agree": "yes", "waiver_version": version.group(1)}
    done = client.post(f"/g/{code}/waiver", data=form, follow_redirects=False)
    return done.status_code, " ".join(re.findall(r'role="alert">([^<]*)<', done.text))


def test_a_guest_types_their_plain_name_for_the_channels_and_the_groups_and_the_trip_departs(demo_app: App) -> None:
    """Found by a review: the marketplace wrote the lead "Dana Whitcomb (Airbnb)" and the lead listed Robin as "Dr.
    Robin Sample"; on their phones, Dana typing "Dana Whitcomb" and Robin "ROBIN SAMPLE" were refused ("type your
    full name as the group lists it: Dana Whitcomb (Airbnb)"), and the crew could not depart. Both sign; "Dan
    Whitcomb" still does not; the record keeps what each typed, and the PDF shows it beside the name it matched."""
    lead = {"name": "Dana Whitcomb (Airbnb)", "email": "dana@example.com"}
    booking = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=2, lead_guest=lead))
    ).booking
    with TestClient(create_app(demo_app)) as client:
        code = booking.guest_code
        added = client.post(f"/g/{code}/guests", data={"name": "Dr. Robin Sample"}, follow_redirects=False)
        assert added.status_code == 303
        robin = next(g for g in list_guests(demo_app.store, "demo", booking.id) if not g.lead)
        for page_code in (code, str(robin.code)):
            assert client.post(f"/g/{page_code}/confirm", follow_redirects=False).status_code == 303
        assert "Type your full name, as your group lists it: Dana Whitcomb</label>" in client.get(f"/g/{code}").text

        jonah = sign_in(demo_app, "jonah")
        assert jonah.post(f"/api/v1/events/{booking.event_id}/roles/captain/claim").status_code == 200
        for key in ("fuel", "life_jackets", "engine_hours_out"):
            done = jonah.post(f"/crew/events/{booking.event_id}/checklist/{key}/tick", follow_redirects=False)
            assert done.status_code == 303
        waiting = jonah.post(f"/crew/events/{booking.event_id}/checklist/waivers/tick", follow_redirects=False)
        [said] = re.findall(r'role="alert">([^<]*)<', waiting.text)
        assert waiting.status_code == 409 and "Dana Whitcomb (Airbnb), Dr. Robin Sample" in said, said

        assert _sign(client, code, "Dan Whitcomb") == (422, "type your full name as the group lists it: Dana Whitcomb")
        assert all(g.waiver is None for g in list_guests(demo_app.store, "demo", booking.id))
        assert _sign(client, code, "Dana Whitcomb") == (303, "")
        assert _sign(client, str(robin.code), "ROBIN SAMPLE") == (303, "")

        signed = {g.name: g.waiver.typed_name for g in list_guests(demo_app.store, "demo", booking.id) if g.waiver}
        assert signed == {"Dana Whitcomb (Airbnb)": "Dana Whitcomb", "Dr. Robin Sample": "ROBIN SAMPLE"}
        ticked = jonah.post(f"/crew/events/{booking.event_id}/checklist/waivers/tick", follow_redirects=False)
        assert ticked.status_code == 303, re.findall(r"role=.alert.>([^<]*)<", ticked.text)
        pdf = PdfReader(BytesIO(client.get(f"/g/{robin.code}/waiver.pdf").content)).pages[0].extract_text()
        assert "Dr. Robin Sample, the guest" in " ".join(pdf.split()) and "ROBIN SAMPLE" in pdf


def test_a_lead_the_channel_gave_by_first_name_signs_in_the_name_the_page_asks_for(demo_app: App) -> None:
    """Found by a review: the marketplace gave the lead's first name alone, "Dana (Airbnb)"; the page asked for
    "Dana", and "Dana" typed was refused ("type your full name as the group lists it: Dana"), over and over."""
    lead = {"name": "Dana (Airbnb)", "email": "dana@example.com"}
    booking = orchestrate_booking(
        demo_app, "demo", BookingRequest.model_validate(booking_body(guest_count=1, lead_guest=lead))
    ).booking
    with TestClient(create_app(demo_app)) as client:
        code = booking.guest_code
        assert "Type your full name, as your group lists it: Dana</label>" in client.get(f"/g/{code}").text
        assert _sign(client, code, "Dan") == (422, "type your full name as the group lists it: Dana")
        assert _sign(client, code, "Dana") == (303, "")
        [dana] = list_guests(demo_app.store, "demo", booking.id)
        assert dana.waiver is not None and dana.waiver.typed_name == "Dana"
