"""Sunset on the crew's timing panel and the guest page, as docs/crew.md and docs/guests.md state it: the
sunset of the departure's *local* day, and twilight (sunset plus 30 minutes) as the limit of a day trip."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.timing import out_overnight, sunset_line, sunset_on_departure_day
from firstmate.services.bookings import orchestrate_booking
from firstmate.web.app import create_app
from tests.conftest import booking_body, guest_code
from tests.web.test_crew import sign_in

ZONE = "America/Los_Angeles"
SAN_FRANCISCO = (37.8087, -122.4098)  # where the demo's boats are


def test_an_evening_trip_is_told_its_own_days_sunset_not_the_next_days_in_utc(demo_app: App, clock: FixedClock) -> None:
    """Sat 31 Oct 2026, 17:30 PDT is already 1 Nov in UTC, the day the clocks go back and the sun sets at
    17:10 PST: the trip's sunset is its own evening's, 18:11, and it is back by 18:41; a charter out two
    nights from that evening is told the same sunset for its first evening."""
    body = booking_body(start="2026-10-31T17:30:00-07:00", duration_hours=2)
    event_id = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    clock.set(datetime(2026, 10, 31, 12, tzinfo=ZoneInfo(ZONE)))
    lines = sign_in(demo_app, "theo").get(f"/api/v1/events/{event_id}").json()["timing"]["lines"]
    assert "Sunset 18:11, return by 18:41" in lines
    with TestClient(create_app(demo_app)) as guest:
        page = guest.get(f"/g/{guest_code(demo_app, event_id)}").text
    assert "<dt>Sunset</dt><dd>18:11</dd>" in page
    # out two nights from the same evening: its first evening is still the 31st's
    body = booking_body(external_id="WEB-1002", start="2026-10-31T17:30:00-07:00", duration_hours=41.5)
    charter = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    lines = sign_in(demo_app, "theo").get(f"/api/v1/events/{charter}").json()["timing"]["lines"]
    assert "Sunset 18:11 the first evening: an overnight trip, back Mon 2 Nov 2026, 10:00 PST" in lines


def test_a_trip_leaving_within_twilight_is_a_day_trip_back_by_its_end() -> None:
    """Leaving 13 minutes after sunset, within the 30 minutes of twilight, a trip does not "leave after
    dark": it is back by sunset plus 30 minutes."""
    start = datetime(2026, 6, 13, 20, 45, tzinfo=ZoneInfo(ZONE))
    end = start + timedelta(hours=2)
    sunset = sunset_on_departure_day(start, *SAN_FRANCISCO, ZONE, end=end)
    assert sunset is not None
    overnight = out_overnight(start, end, *SAN_FRANCISCO, ZONE)
    assert sunset_line(start, end, sunset, ZONE, overnight=overnight) == "Sunset 20:32, return by 21:02"


def test_a_deadline_in_the_hour_the_clocks_go_back_says_which_of_its_two_clock_times_it_is(
    demo_app: App, clock: FixedClock
) -> None:
    """A review: a trip leaving at 01:15 PST on Sun 1 Nov 2026, the night 01:00 to 02:00 comes twice, read
    "Pre-departure checklist due in 45 min (01:45)", half an hour after "01:15 PST": its due time is 01:45
    PDT, the first 01:45. A deadline on the other side of the change from the departure names its zone."""
    body = booking_body(start="2026-11-01T01:15:00-08:00", duration_hours=2)
    event_id = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    clock.set(datetime(2026, 11, 1, 1, 0, tzinfo=ZoneInfo(ZONE)))  # 01:00 PDT, the first
    answer = sign_in(demo_app, "theo").get(f"/api/v1/events/{event_id}").json()
    assert answer["departure"] == "Sun 1 Nov 2026, 01:15 PST"
    assert answer["timing"]["lines"][0] == "Pre-departure checklist due in 45 min (01:45 PDT)"
    # a deadline on the departure's side of the change reads as before
    body = booking_body(external_id="WEB-1002", start="2026-11-01T05:00:00-08:00", duration_hours=2)
    later = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    lines = sign_in(demo_app, "theo").get(f"/api/v1/events/{later}").json()["timing"]["lines"]
    assert lines[0].startswith("Pre-departure checklist due in") and lines[0].endswith("(04:30)")


def test_the_return_checklist_is_due_when_the_panel_says_to_be_back_by(demo_app: App, clock: FixedClock) -> None:
    """Known gap: a trip 18:00 to 22:00 PDT on 13 Jun 2026 (sunset 20:32) read "return by 21:02" on its panel, and
    just above it "Return checklist due in 2 h (22:00)": at 21:30, an hour after dark, it was not overdue. The
    Return checklist is due when the boat is to be back, and the after-the-trip one two hours after that."""
    from firstmate.domain.crew import Phase
    from firstmate.services.trips import get_event

    body = booking_body(start="2026-06-13T18:00:00-07:00", duration_hours=4)
    trip = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id
    jonah = sign_in(demo_app, "jonah")
    assert jonah.post(f"/api/v1/events/{trip}/roles/captain/claim").status_code == 200
    event = get_event(demo_app.store, "demo", trip)
    clock.set(event.start - timedelta(minutes=20))
    jonah = sign_in(demo_app, "jonah")
    for key in [i.key for i in event.checklist if i.phase in (Phase.PRE_EVENT, Phase.DEPARTURE)]:
        assert jonah.post(f"/crew/events/{trip}/checklist/{key}/tick", follow_redirects=False).status_code == 303

    clock.set(datetime(2026, 6, 13, 20, 0, tzinfo=ZoneInfo(ZONE)))
    timing = sign_in(demo_app, "jonah").get(f"/api/v1/events/{trip}").json()["timing"]
    assert timing["lines"][:2] == ["Return checklist due in 1 h 2 min (21:02)", "Sunset 20:32, return by 21:02"]
    back = datetime(2026, 6, 13, 21, 2, tzinfo=ZoneInfo(ZONE))  # sunset plus 30 minutes, to its second
    assert back <= datetime.fromisoformat(timing["countdown_to"]) < back + timedelta(minutes=1)

    clock.set(datetime(2026, 6, 13, 21, 30, tzinfo=ZoneInfo(ZONE)))
    page = sign_in(demo_app, "jonah").get(f"/crew/events/{trip}").text
    assert "Return checklist overdue: was due 27 min ago (21:02)" in page
    assert "return by 21:02" in page
    # the booking cut to two hours (back at 20:00, before sunset): due then, at once
    body = booking_body(start="2026-06-13T18:00:00-07:00", duration_hours=2)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    timing = sign_in(demo_app, "jonah").get(f"/api/v1/events/{trip}").json()["timing"]
    assert timing["lines"][:2] == [
        "Return checklist overdue: was due 1 h 30 min ago (20:00)",
        "Sunset 20:32, return by 20:00",
    ]


def test_the_trip_page_header_and_the_guest_page_say_the_time_the_panel_says_to_be_back_by(
    demo_app: App, clock: FixedClock
) -> None:
    """A known gap (docs/reliability.md): a trip 18:00 to 22:00 PDT on 13 Jun 2026 (sunset 20:32) read "return by
    21:02" on its panel, and just above it, in the page's header, "back 22:00"; its guests were told "back by 22:00"
    on their page and in their mail, an hour after the boat is in. Everyone now reads the one time the boat is to be
    back by, and the guests why it is before the booked end."""
    from firstmate.services import outbox

    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=4)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    crew_page = sign_in(demo_app, "jonah").get(f"/crew/events/{booking.event_id}").text
    assert "Sea Lark (38 ft sloop) · return by 21:02 · 6 guests" in crew_page
    assert "Sunset 20:32, return by 21:02" in crew_page and "22:00" not in crew_page

    guest_page = TestClient(create_app(demo_app)).get(f"/g/{booking.guest_code}").text
    assert "back by 21:02, half an hour after sunset." in guest_page
    assert "<dt>Return</dt><dd>21:02 (booked to 22:00: the boat is in before dark)</dd>" in guest_page
    [mail] = [e.message.text for e in outbox.list_entries(demo_app.store, "demo") if e.key.endswith(":guest:g1")]
    assert "back by 21:02 (sunset 20:32; booked to 22:00, the boat is in before dark)" in mail
    assert "back by 22:00" not in mail

    # a trip back before sunset says its booked end, as it always did, everywhere
    body = booking_body(external_id="NOON", start="2026-06-13T10:00:00-07:00", duration_hours=3)
    noon = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    assert "· return by 13:00 ·" in sign_in(demo_app, "jonah").get(f"/crew/events/{noon.event_id}").text
    guest_page = TestClient(create_app(demo_app)).get(f"/g/{noon.guest_code}").text
    assert "back by 13:00." in guest_page and "<dt>Return</dt><dd>13:00</dd>" in guest_page


def test_a_guests_trip_changed_mail_names_the_booked_end_it_changed_when_the_boat_is_in_before_dark(
    demo_app: App,
) -> None:
    """A review: a trip 18:00 to 22:00 PDT on 13 Jun 2026 (sunset 20:32), extended to 23:00, mailed its guests "Your
    trip has changed: … back by 21:02 (sunset 20:32)", word for word their first mail: the change, which their page
    shows ("booked to 23:00"), was nowhere in it. The mail names the booked end beside the time to be back by, as
    the page does."""
    from firstmate.services import outbox

    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=4)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=5)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))

    entries = outbox.list_entries(demo_app.store, "demo")
    mails = {e.key.split(":")[2]: e.message for e in entries if e.key.endswith(":guest:g1")}
    first, changed = mails["r1"], mails["r2"]
    assert "back by 21:02 (sunset 20:32; booked to 22:00, the boat is in before dark)" in first.text
    assert "Your trip has changed" in changed.text
    assert "back by 21:02 (sunset 20:32; booked to 23:00, the boat is in before dark)" in changed.text
    assert "booked to 23:00, the boat is in before dark" in (changed.html or "")


def test_the_crews_booking_mail_says_the_time_to_be_back_the_trip_page_and_the_guests_say(demo_app: App) -> None:
    """A known gap (docs/reliability.md): a trip 18:00 to 22:00 PDT on 13 Jun 2026 (sunset 20:32) mailed its crew
    "Sat 13 Jun 2026, 18:00 PDT to 22:00 on Sea Lark", where their trip page says "return by 21:02" and the guests
    read "back by 21:02". The crew's mail says that one time, and the booked end beside it, as the guests' does (the
    "Crew needed on N trips" list says it too: test_crew_freed). A trip back before sunset says its booked end."""
    from firstmate.services import outbox

    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=4)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    crew = [e.message for e in outbox.list_entries(demo_app.store, "demo") if ":crew:" in e.key]
    assert crew
    for message in crew:
        assert "Sat 13 Jun 2026, 18:00 PDT on Sea Lark (38 ft sloop), return by 21:02" in message.text
        assert "return by 21:02 (booked to 22:00: the boat is in before dark)." in message.text
        assert "to 22:00 on" not in message.text
        assert "return by 21:02" in (message.html or "") and "to 22:00 on" not in (message.html or "")

    body = booking_body(external_id="NOON", start="2026-06-13T10:00:00-07:00", duration_hours=3)
    noon = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    [message, *_] = [e.message for e in outbox.list_entries(demo_app.store, "demo") if f"{noon.id}:r1:crew:" in e.key]
    assert "Sat 13 Jun 2026, 10:00 PDT on Sea Lark (38 ft sloop), return by 13:00." in message.text


def test_the_crews_cancellation_mail_says_no_meeting_point_nor_sunset(demo_app: App) -> None:
    """The crew's "Trip cancelled" read "THIS TRIP IS CANCELLED." and under it "Meet at Pier 39, Dock B, slip 12 ·
    6 guests · sunset 20:32", as if they were still to meet at the dock by dusk; the guests' page of the same trip
    says neither. The crew's mail says it is cancelled, and how many guests it was for (test_passenger_limit), but no
    place to meet, no sunset, no time to be back."""
    from firstmate.services import outbox
    from firstmate.services.bookings import cancel_booking

    body = booking_body(external_id="DUSK", start="2026-06-13T18:00:00-07:00", duration_hours=4)
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking
    cancel_booking(demo_app, "demo", booking.id)
    crew = [e.message for e in outbox.list_entries(demo_app.store, "demo") if f"{booking.id}:r2:crew:" in e.key]
    assert crew
    for message in crew:
        html = message.html or ""
        assert "Sat 13 Jun 2026, 18:00 PDT on Sea Lark (38 ft sloop). THIS TRIP IS CANCELLED." in message.text
        assert "this trip is cancelled" in html and "6 guests" in message.text and "6 guests" in html
        for part in (message.text, html):
            assert "Meet at" not in part and "Pier 39" not in part and "sunset" not in part.lower(), part
            assert "return by" not in part and "21:02" not in part
