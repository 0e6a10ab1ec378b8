"""Checklist rules: an item's history cannot outgrow what one store item holds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.rules import MAX_ITEM_BYTES
from firstmate.bootstrap import App
from firstmate.domain import checklist as rules
from firstmate.domain.bookings import BookingRequest
from firstmate.domain.checklist import MAX_HISTORY
from firstmate.domain.crew import ChecklistItem, CrewEvent, RoleSlot
from firstmate.services.bookings import orchestrate_booking
from firstmate.services.trips import get_event
from tests.conftest import booking_body


def test_thousands_of_ticks_and_undos_keep_the_latest_and_the_trip_within_a_store_item(demo_app: App) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    event = get_event(demo_app.store, "demo", booking.event_id)
    at = event.start - timedelta(days=1)
    for n in range(3000):
        at += timedelta(seconds=1)
        change = rules.tick if n % 2 == 0 else rules.untick
        event = change(event, "fuel", by="Jonah", at=at)
    fuel = rules.item(event, "fuel")
    assert len(fuel.history) == MAX_HISTORY and fuel.earlier_changes == 3000 - MAX_HISTORY
    assert (fuel.history[-1].action, fuel.history[-1].at, fuel.history[0].action) == ("undo", at, "tick")
    assert len(event.model_dump_json()) < MAX_ITEM_BYTES // 4


def test_an_admins_reason_outlasts_the_plain_ticks_and_undos_after_it(demo_app: App) -> None:
    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    event = get_event(demo_app.store, "demo", booking.event_id)
    at = event.start - timedelta(days=1)
    event = rules.tick(event, "fuel", by="Marisol", at=at, note="departed without the waiver of Dana: signed on paper")
    for n in range(200):
        at += timedelta(seconds=1)
        event = (rules.untick if n % 2 == 0 else rules.tick)(event, "fuel", by="Jonah", at=at)
    fuel = rules.item(event, "fuel")
    assert len(fuel.history) == MAX_HISTORY and fuel.earlier_changes == 201 - MAX_HISTORY
    assert fuel.history[0].note.endswith("signed on paper") and fuel.history[-1].at == at


def test_a_trip_in_polar_night_is_said_to_be_in_the_dark(demo_app: App) -> None:
    """astral says "no sunset" alike when the sun never sets and never rises: a Tromsø trip in polar
    night showed no darkness limit at all, where two days before it showed "Sunset 12:01"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from firstmate.domain.timing import dark_all_day, sunset_on_departure_day

    oslo, tromso = ZoneInfo("Europe/Oslo"), (69.65, 18.96)
    before, polar = datetime(2026, 11, 26, 10, tzinfo=oslo), datetime(2026, 11, 28, 10, tzinfo=oslo)
    midsummer = datetime(2026, 6, 21, 10, tzinfo=oslo)
    assert sunset_on_departure_day(before, *tromso, "Europe/Oslo") is not None
    assert not dark_all_day(before, *tromso, "Europe/Oslo")
    assert sunset_on_departure_day(polar, *tromso, "Europe/Oslo") is None and dark_all_day(
        polar, *tromso, "Europe/Oslo"
    )
    assert sunset_on_departure_day(midsummer, *tromso, "Europe/Oslo") is None  # midnight sun: no sunset, and light
    assert not dark_all_day(midsummer, *tromso, "Europe/Oslo")

    from firstmate.services.crew_views import timing_panel

    body = booking_body(external_id="POLAR-1", start=polar.isoformat())
    trip = get_event(
        demo_app.store,
        "demo",
        orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body)).booking.event_id,
    )
    dark = timing_panel(trip, None, "Europe/Oslo", polar - timedelta(hours=3), dark=True)["lines"]
    assert "No daylight today (polar night): the whole trip is in the dark" in dark
    assert not any("daylight" in line for line in timing_panel(trip, None, "Europe/Oslo", polar)["lines"])


def test_sunset_sets_a_time_to_be_back_by_for_day_trips_only() -> None:
    """A 3-day charter read "return by 21:01", its first evening, and a 21:30 departure "return by
    21:02", before it left. A trip is overnight when it is back after the next sunrise: a 12-hour day
    charter is not, an evening trip back at 00:01 is not, a 19:00 to 06:00 night trip is."""
    from datetime import UTC, datetime, timedelta

    from firstmate.domain.timing import out_overnight, sunset_line

    zone, lat, lon = "America/Los_Angeles", 37.8087, -122.4098  # San Francisco: sunrise about 05:48

    def at(hour: float, hours: float) -> str:
        start = datetime(2026, 6, 13, 7, tzinfo=UTC) + timedelta(hours=hour)  # 00:00 PDT + hour
        end = start + timedelta(hours=hours)
        sunset = datetime(2026, 6, 14, 3, 32, tzinfo=UTC)  # 20:32 PDT on the 13th
        return sunset_line(start, end, sunset, zone, overnight=out_overnight(start, end, lat, lon, zone))

    assert at(15, 3) == "Sunset 20:32, return by 18:00"
    assert at(18, 4) == "Sunset 20:32, return by 21:02"  # twilight cuts it short
    assert at(8, 12) == "Sunset 20:32, return by 20:00"  # a 12-hour day charter
    assert at(10, 12) == "Sunset 20:32, return by 21:02"
    assert at(18.5, 5.5) == "Sunset 20:32, return by 21:02"  # back at 00:00: a day trip, out after dark
    assert at(19, 11) == "Sunset 20:32 the first evening: an overnight trip, back Sun 14 Jun 2026, 06:00 PDT"
    assert at(9, 72) == "Sunset 20:32 the first evening: an overnight trip, back Tue 16 Jun 2026, 09:00 PDT"
    assert at(21.5, 3) == "Sunset 20:32: it leaves after dark, back Sun 14 Jun 2026, 00:30 PDT"


def test_an_item_counts_jackets_by_its_template_wherever_the_count_stands() -> None:
    """ "{jackets} life jackets and {jackets} whistles" recorded no count when ticked, so it was never
    counted again; an "inspected" tick carried to a boat whose item counts them read as a count."""
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.crew import (
        ChecklistItem,
        Phase,
        checklist_from,
        jackets_in,
        move_to_boat,
    )

    twice = ChecklistItem(key="pfds", phase=Phase.PRE_EVENT, label="9 life jackets and 9 whistles aboard",
                          label_template="{jackets} life jackets and {jackets} whistles aboard")  # fmt: skip
    assert jackets_in(twice) == 9
    assert jackets_in(twice.model_copy(update={"label": "9 life jackets and 8 whistles aboard"})) is None
    booking = BookingRequest.model_validate(booking_body(asset="morning-tern"))
    inspected = ChecklistTemplateItem(key="life_jackets", phase="pre_event", label="Life jackets inspected")
    item, _waivers = checklist_from((inspected,), booking.guest_count, 3)  # every list has the waivers item
    event = _trip(booking, item.model_copy(update={"done_by": "Jonah", "done_at": booking.start}))
    moved = move_to_boat(event, "Sea Lark", ("captain", "crew_1"), ())  # the standard list: it counts them
    [jackets] = [i for i in moved.checklist if i.key == "life_jackets"]
    assert jackets.label == "Life jackets aboard: 8" and jackets.done_by is None


def test_sunrise_and_sunset_are_found_by_time_near_the_arctic_circle() -> None:
    """astral gave the previous night's sunset, just after midnight, as a midsummer day's (a 10:00
    trip "leaves after dark"), and found no sunrise on Luleå's 1 June (a night trip read "return by
    23:30" that one night of the year)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from firstmate.domain.timing import out_overnight, sunset_on_departure_day

    rovaniemi, helsinki = (66.5, 25.7), ZoneInfo("Europe/Helsinki")
    start = datetime(2026, 7, 15, 10, tzinfo=helsinki)
    sunset = sunset_on_departure_day(start, *rovaniemi, "Europe/Helsinki")
    assert sunset is not None and sunset > start and sunset.date().isoformat() == "2026-07-16"  # 00:02
    lulea, stockholm = (65.58, 22.15), ZoneInfo("Europe/Stockholm")
    for day in (30, 31):  # 20:00 to 07:00 each night; astral has no sunrise for the second
        night = datetime(2026, 5, day, 20, tzinfo=stockholm)
        assert out_overnight(night, night + timedelta(hours=11), *lulea, "Europe/Stockholm")


def test_a_trip_leaving_before_sunrise_leaves_after_dark_and_a_short_arctic_day_has_its_own_sunset() -> None:
    """A review: a 00:30 departure read "Sunset 20:32, return by 03:30" (the sunset of the evening after
    it was back); and at Tromsø on 15 January, the sun up 11:36 to 12:12, astral missed that sunset and
    the next day's (12:28) was shown: a boat without lights told of 18 minutes more light than it had."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from firstmate.domain.timing import clock_time, out_overnight, sunset_line, sunset_on_departure_day

    zone, lat, lon = "America/Los_Angeles", 37.8087, -122.4098

    def line(start: datetime, hours: float) -> str:
        end = start + timedelta(hours=hours)
        sunset = sunset_on_departure_day(start, lat, lon, zone, end=end)
        assert sunset is not None
        return sunset_line(start, end, sunset, zone, overnight=out_overnight(start, end, lat, lon, zone))

    la = ZoneInfo(zone)
    assert line(datetime(2026, 6, 14, 0, 30, tzinfo=la), 3) == "Sunset 20:32: it leaves after dark, back 03:30"
    assert line(datetime(2026, 6, 14, 4, 0, tzinfo=la), 3) == "Sunset 20:32: it leaves after dark, back 07:00"
    assert line(datetime(2026, 6, 14, 10, 0, tzinfo=la), 3) == "Sunset 20:32, return by 13:00"
    # a second review: a winter day charter leaving before dawn lost its limit ("leaves after dark, back 18:00")
    assert line(datetime(2026, 12, 12, 6, 0, tzinfo=la), 12) == "Sunset 16:50, return by 17:20"
    tromso = sunset_on_departure_day(datetime(2027, 1, 15, 10, tzinfo=ZoneInfo("Europe/Oslo")), 69.65, 18.96,
                                     "Europe/Oslo")  # fmt: skip
    assert tromso is not None and tromso.date().isoformat() == "2027-01-15"
    assert "12:12" <= clock_time(tromso, "Europe/Oslo") <= "12:13"


def test_a_trip_stored_before_takes_its_boats_template_only_where_its_label_was_made_from_it() -> None:
    """An item stored as "Life jackets inspected: straps, lights", its boat's template edited since to
    "Life jackets aboard: {jackets}", became a count nobody made, ticked."""
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.crew import ChecklistItem, Phase, counts_jackets, resolved

    booking = BookingRequest.model_validate(booking_body())
    stored = ChecklistItem(key="life_jackets", phase=Phase.PRE_EVENT, label="Life jackets inspected: straps, lights",
                           done_by="Jonah", done_at=booking.start)  # fmt: skip
    event = _trip(booking, stored)
    edited = (ChecklistTemplateItem(key="life_jackets", phase="pre_event", label="Life jackets aboard: {jackets}"),)
    [item] = resolved(event, edited).checklist
    assert not counts_jackets(item) and item.label == stored.label
    counted = stored.model_copy(update={"label": "Life jackets aboard: 9"})
    [item] = resolved(event.model_copy(update={"checklist": (counted,)}), edited).checklist
    assert counts_jackets(item) and item.ticked_for == 9


def _trip(booking: BookingRequest, *checklist: ChecklistItem) -> CrewEvent:
    """A one-captain crew event of `booking`'s times, six guests, with `checklist`."""
    return CrewEvent(id="ev", org="demo", booking_id="bk", entity="e", asset="morning-tern", asset_name="Tern",
                     start=booking.start, end=booking.end, guest_count=6, notes="", roles=(RoleSlot(role="captain"),),
                     checklist=checklist)  # fmt: skip


def test_a_trip_moved_to_another_boat_before_it_leaves_checks_that_boat_again(demo_app: App) -> None:
    """Fuel and life jackets ticked aboard one boat stayed ticked after a breakdown moved the trip to
    another: "Fuel checked and topped up" done on a boat nobody had checked."""
    from firstmate.services.checklists import tick_item
    from firstmate.services.people import get_person
    from firstmate.services.roster import claim_role

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    jonah = get_person(demo_app.store, "demo", "jonah")
    for key in ("fuel", "life_jackets"):
        tick_item(demo_app, "demo", booking.event_id, key, jonah)
    orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(asset="morning-tern")))
    moved = {i.key: i for i in get_event(demo_app.store, "demo", booking.event_id).checklist}
    for key in ("fuel", "life_jackets"):
        assert moved[key].done_at is None, key
        assert (
            moved[key].history[-1].note == "checked aboard Sea Lark (38 ft sloop): check Morning Tern (45 ft catamaran)"
        )


def test_a_trip_put_off_to_another_day_before_it_leaves_is_checked_again(demo_app: App, clock: FixedClock) -> None:
    """A review: fuel and life jackets checked on the morning of the trip stayed ticked when weather put
    it off a week, and the next Saturday's page read "Fuel checked and topped up, Jonah 10:00", checked
    a week and several trips before. A trip moved within its day keeps its checks."""
    from firstmate.services.checklists import tick_item
    from firstmate.services.people import get_person
    from firstmate.services.roster import claim_role

    booking = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body())).booking
    claim_role(demo_app, "demo", booking.event_id, "captain", "jonah")
    clock.set(datetime(2026, 6, 13, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles")))
    jonah = get_person(demo_app.store, "demo", "jonah")
    for key in ("fuel", "life_jackets"):
        tick_item(demo_app, "demo", booking.event_id, key, jonah)

    def moved(start: str) -> dict[str, ChecklistItem]:
        orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(booking_body(start=start)))
        return {i.key: i for i in get_event(demo_app.store, "demo", booking.event_id).checklist}

    later_that_day = moved("2026-06-13T17:30:00-07:00")
    assert all(later_that_day[key].done_by == "Jonah" for key in ("fuel", "life_jackets"))
    put_off = moved("2026-06-20T16:00:00-07:00")
    for key in ("fuel", "life_jackets"):
        assert put_off[key].done_at is None, key
        assert put_off[key].history[-1].note == "checked for Sat 13 Jun: check again for Sat 20 Jun"
    assert put_off["waivers"].history == ()  # the guests' waivers are not the boat's checks


def test_an_optional_item_left_undone_holds_up_no_phase() -> None:
    """docs/crew.md: a phase opens when every *required* item of the one before is done; a boat's own
    list may hold an optional item in any phase."""
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.crew import checklist_from

    booking = BookingRequest.model_validate(booking_body())
    template = (
        ChecklistTemplateItem(key="fuel", phase="pre_event", label="Fuel checked"),
        ChecklistTemplateItem(key="coffee", phase="pre_event", label="Coffee aboard", required=False),
        ChecklistTemplateItem(key="waivers", phase="departure", label="All guest waivers signed"),
    )
    event = _trip(booking, *checklist_from(template, booking.guest_count, 1))
    event = rules.tick(event, "fuel", by="Jonah", at=booking.start)
    event = rules.tick(event, "waivers", by="Jonah", at=booking.start)  # coffee or not, the departure is open
    complete = {state.name: state.complete for state in rules.phase_states(event)}
    assert complete["Pre-departure"] and complete["Departure"]


def test_the_return_checklist_is_due_at_the_scheduled_end_and_the_after_trip_one_two_hours_later() -> None:
    """docs/crew.md: Return at the scheduled end; After the trip two hours later (a boat whose own list
    asks for something after the trip: the standard list's is optional)."""
    from firstmate.domain.business import ChecklistTemplateItem
    from firstmate.domain.crew import checklist_from
    from firstmate.services.crew_views import timing_panel

    booking = BookingRequest.model_validate(booking_body(duration_hours=5))  # 16:00 to 21:00 PDT
    template = (
        ChecklistTemplateItem(key="fuel", phase="pre_event", label="Fuel checked"),
        ChecklistTemplateItem(key="waivers", phase="departure", label="All guest waivers signed"),
        ChecklistTemplateItem(key="engine_hours_in", phase="return", label="Engine hours recorded (in)"),
        ChecklistTemplateItem(key="wash_down", phase="post_event", label="Boat washed down"),
    )
    event = _trip(booking, *checklist_from(template, booking.guest_count, 1))
    zone = "America/Los_Angeles"
    for key in ("fuel", "waivers"):
        event = rules.tick(event, key, by="Jonah", at=booking.start)
    under_way = timing_panel(event, None, zone, booking.start + timedelta(hours=1))["lines"][0]
    assert under_way == "Return checklist due in 4 h (21:00)"
    event = rules.tick(event, "engine_hours_in", by="Jonah", at=booking.end)
    back = timing_panel(event, None, zone, booking.end)["lines"][0]
    assert back == "After the trip checklist due in 2 h (23:00)"
