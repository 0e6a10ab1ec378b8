"""Revenue redaction across every crew-facing output (docs/crew.md, "No money in sight"): crew pages,
the crew API, crew and entity calendar feeds, every mail to a crew member or a guest, guest pages
and signed waivers never show the gross, a marketplace payout or the private notes, whatever
happened to the trip. Admins see the money, so the markers below are known to be there to find."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.bootstrap import App
from firstmate.demo.run import SAMPLE_EMAIL, demo_people, demo_profile
from firstmate.domain.bookings import BookingRequest
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking, get_booking, orchestrate_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token
from firstmate.services.imports import import_records
from firstmate.services.reminders import send_due_reminders
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.conftest import booking_body, guest_code, shows_gross
from tests.fuzz.strategies import FUZZ, examples
from tests.security.conftest import book, sign_in
from tests.web.test_guest_page_and_feeds import _book, _feed

GROSS = "4321.09"
PRIVATE = "VIP rate, captain paid 350.00"
#: How the money of the two trips could be written anywhere: the API booking's gross, the
#: marketplace booking's gross and payout (from the demo email), and the private notes.
MONEY = (GROSS, "4,321.09", "840.75", "624.00", "$624", PRIVATE, "captain paid")
CREW = ("jonah", "priya", "theo")  # the captain and two deckhands; marisol is the admin


def _trip_through_its_whole_life(app: App, clock: FixedClock) -> tuple[str, str, str]:
    """Two trips, worked by crew and guests from booking to cancellation; returns (direct trip's
    event id, marketplace trip's event id, an invited guest's page code)."""
    direct = book(app, gross_amount=GROSS, private_notes=PRIVATE, guest_count=4)
    boats = {a.id: a.name for a in demo_profile().assets}
    [emailed] = parse_email(SAMPLE_EMAIL.read_bytes(), timezone="America/Los_Angeles", boats=boats)
    assert import_records(app, "demo", [emailed]).ok
    marketplace = get_booking(app.store, "demo", _booking_id_of(app, "BS-7Q4K2M"))
    jonah, priya, theo, marisol = (sign_in(app, p) for p in ("jonah", "priya", "theo", "marisol"))
    trip = f"/crew/events/{direct.event_id}"
    assert jonah.post(f"{trip}/roles/captain/claim", follow_redirects=False).status_code == 303
    assert priya.post(f"/api/v1/events/{direct.event_id}/roles/crew_1/claim").status_code == 200
    assert theo.post(f"{trip}/roles/crew_1/claim").status_code == 409  # taken: the page with an error
    assert marisol.post(
        f"/api/v1/events/{direct.event_id}/roles/crew_1/designate", json={"person_id": "theo"}
    ).is_success
    assert theo.post(f"/api/v1/events/{marketplace.event_id}/roles/crew_1/claim").status_code == 200
    guest = TestClient(create_app(app))
    guest.post(f"/g/{direct.guest_code}/guests", data={"name": "Robin Sample", "email": "robin@example.com"})
    [invite] = [e for e in outbox.list_entries(app.store, "demo") if e.key.endswith(":g2:invite")]
    invited = re.search(r"/g/([0-9A-Z]{10})", invite.message.text)
    assert invited is not None
    page = guest.get(f"/g/{invited.group(1)}").text
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', page)
    assert version is not None
    guest.post(f"/g/{invited.group(1)}/confirm")
    signing = {"typed_name": "Robin Sample", "agree": "yes", "waiver_version": version.group(1)}
    assert guest.post(f"/g/{invited.group(1)}/waiver", data=signing, follow_redirects=False).status_code == 303
    start = get_event(app.store, "demo", direct.event_id).start
    clock.set(start - timedelta(hours=24) + timedelta(minutes=1))
    assert send_due_reminders(app, [timedelta(hours=24)], clock.now()) >= 1
    jonah, theo = sign_in(app, "jonah"), sign_in(app, "theo")  # sessions from a week ago have expired
    assert theo.post(f"/api/v1/events/{direct.event_id}/roles/crew_1/release").json()["released"] is False
    assert jonah.post(f"/crew/events/{direct.event_id}/checklist/fuel/tick", follow_redirects=False).is_redirect
    book(app, gross_amount=GROSS, private_notes=PRIVATE, guest_count=5)  # a change: everyone is told again
    cancel_booking(app, "demo", marketplace.id)
    TestClient(create_app(app)).post("/crew/login", data={"email": "priya@example.com"})
    return direct.event_id, marketplace.event_id, invited.group(1)


def _booking_id_of(app: App, external_id: str) -> str:
    from firstmate.services.paging import all_items

    [anchor] = [i for i in all_items(app.store, "ORG#demo#INTAKE") if i.sk.endswith(f"#{external_id}")]
    return str(anchor.data["booking_id"])


def test_no_crew_or_guest_output_shows_money_through_a_trips_whole_life(demo_app: App, clock: FixedClock) -> None:
    direct, marketplace, invited = _trip_through_its_whole_life(demo_app, clock)
    outputs: dict[str, str] = {}
    for person in CREW:
        browser = sign_in(demo_app, person)
        outputs[f"{person}: trips"] = browser.get("/crew").text
        for event_id in (direct, marketplace):
            outputs[f"{person}: page {event_id}"] = browser.get(f"/crew/events/{event_id}").text
            refused = browser.post(f"/crew/events/{event_id}/roles/crew_9/claim")  # a role no boat has
            assert refused.status_code in (404, 409) and 'role="alert"' in refused.text  # 409: the trip is off
            outputs[f"{person}: page {event_id} with an error"] = refused.text
            outputs[f"{person}: api {event_id}"] = browser.get(f"/api/v1/events/{event_id}").text
            claimed = browser.post(f"/api/v1/events/{event_id}/roles/crew_2/claim")
            outputs[f"{person}: claim answer {event_id}"] = claimed.text
        outputs[f"{person}: feed"] = _feed_text(demo_app, FeedScope.CREW, person)
    outputs["entity feed"] = _feed_text(demo_app, FeedScope.ENTITY, "saltwind-charters")
    anyone = TestClient(create_app(demo_app))
    for code in (guest_code(demo_app, direct), guest_code(demo_app, marketplace), invited):
        outputs[f"guest page {code}"] = anyone.get(f"/g/{code}").text
    signed = anyone.get(f"/g/{invited}/waiver.pdf")
    assert signed.status_code == 200
    outputs["signed waiver"] = "".join(p.extract_text() for p in PdfReader(io.BytesIO(signed.content)).pages)
    readers = {p.email for p in demo_people()} | _guests(demo_app)
    mails = [e for e in outbox.list_entries(demo_app.store, "demo", limit=1000) if set(e.message.to) <= readers]
    assert {_kind(e.key) for e in mails} == set(KINDS.values()) | {"new trip", "change or cancellation"}
    for entry in mails:
        outputs[f"mail {entry.key} to {entry.message.to}"] = "\n".join(
            [entry.message.subject, entry.message.text, entry.message.html or ""]
        )
    shown = {where: [m for m in MONEY if m in text] for where, text in outputs.items()}
    assert {where: found for where, found in shown.items() if found} == {}
    assert len(outputs) > 30 and len(mails) > 20

    # the markers are real: an admin's page and the ops manager's mail do show the money
    assert "4,321.09" in sign_in(demo_app, "marisol").get(f"/crew/events/{direct}").text
    ops = [e for e in outbox.list_entries(demo_app.store, "demo", limit=1000) if e.message.to == ("ops@example.com",)]
    assert any(GROSS in e.message.text or "4,321.09" in e.message.text for e in ops)


#: Mail kinds by a mark in their outbox key (the rest are a trip's revisions: r1 new, r2… changed).
KINDS = {"login:": "sign-in link", ":reminder:": "reminder", ":release-requested:": "release request",
         ":roster-change:": "roster change", ":you're-": "role given", ":invite": "guest invitation"}  # fmt: skip


def _kind(key: str) -> str:
    return next(
        (kind for mark, kind in KINDS.items() if mark in key), "new trip" if ":r1:" in key else "change or cancellation"
    )


def _feed_text(app: App, scope: FeedScope, target: str) -> str:
    token = feed_token(app.secret_key, app.store, Feed("demo", scope, target))
    answer = TestClient(create_app(app)).get(f"/calendar/{token}.ics")
    assert answer.status_code == 200
    return answer.text


def _guests(app: App) -> set[str]:
    from firstmate.services.bookings import list_guests
    from firstmate.services.paging import all_items

    emails = set()
    for anchor in all_items(app.store, "ORG#demo#INTAKE"):
        emails |= {g.email for g in list_guests(app.store, "demo", str(anchor.data["booking_id"])) if g.email}
    return emails


# --- moved here from tests/web/test_guest_page_and_feeds.py (its booking and feed helpers are reused) ---


def test_crew_and_entity_feeds_carry_no_money(client: TestClient, demo_app: App) -> None:
    _book(demo_app)
    for scope, target in ((FeedScope.ENTITY, "saltwind-charters"), (FeedScope.CREW, "priya")):
        [event] = _feed(client, demo_app, scope, target).walk("VEVENT")
        assert not shows_gross(event.to_ical().decode()) and "Repeat guest" not in event.to_ical().decode()
        assert "Birthday cake aboard" in str(event["DESCRIPTION"])
    [other] = _feed(client, demo_app, FeedScope.ENTITY, "haulaway").walk("VEVENT") or [None]
    assert other is None


money = st.decimals(min_value=Decimal("1000.01"), max_value=Decimal("99999.99"), places=2)


@settings(FUZZ, max_examples=examples(15))
@given(gross=money, guests=st.integers(1, 12), hours=st.sampled_from([1, 2, 3.5, 8]), day=st.integers(0, 200))
def test_no_crew_or_guest_output_ever_shows_the_gross(
    client: TestClient, demo_app: App, gross: Decimal, guests: int, hours: float, day: int
) -> None:
    start = datetime(2026, 11, 22, 17, tzinfo=UTC) + timedelta(days=day)  # trips to come: a past one tells nobody
    body = booking_body(
        external_id=f"P-{day}-{guests}-{hours}",
        gross_amount=str(gross),
        guest_count=guests,
        duration_hours=hours,
        start=start.isoformat(),
    )
    outcome = orchestrate_booking(demo_app, "demo", BookingRequest.model_validate(body))
    shown = [f"{gross}", f"{gross:,}"]  # as written, and as money is displayed
    crew_feed = client.get(
        f"/calendar/{feed_token(demo_app.secret_key, demo_app.store, Feed('demo', FeedScope.CREW, 'theo'))}.ics"
    ).text
    page = client.get(f"/g/{outcome.booking.guest_code}").text
    from firstmate.services import outbox

    crew_mail = [
        e.message.text + (e.message.html or "")
        for e in outbox.list_entries(demo_app.store, "demo", limit=100_000)  # all: a deep run books hundreds
        if e.key.startswith(f"bk:{outcome.booking.id}:") and (":crew:" in e.key or ":guest:" in e.key)
    ]
    assert crew_mail
    crew = sign_in(demo_app, "theo")
    event_id = outcome.booking.event_id
    crew_page = crew.get(f"/crew/events/{event_id}").text
    crew_api = crew.get(f"/api/v1/events/{event_id}").text
    trips = crew.get("/crew").text
    assert "Sea Lark" in crew_page and event_id in crew_api
    for text in (crew_feed, page, crew_page, crew_api, trips, *crew_mail):
        assert not any(amount in text for amount in shown)


def test_a_channels_hold_titled_with_money_reaches_crew_and_entity_feeds_without_it(demo_app: App) -> None:
    """A security review: an export's hold keeps its SUMMARY as its title, and a channel titling it with the
    payout ("Reserved - Rob S. - payout USD 624.00") had it in every crew member's feed and the entity feed;
    a review of the fix: a code in lower case ("payout usd 524"), or none ("owner payout 624"), still did."""
    from firstmate.adapters.sources.bookings.ics_file import parse_ics

    def hold(uid: str, day: int, title: str) -> bytes:
        return (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260520T100000Z\r\nDTSTART:202606{day:02d}T230000Z\r\n"
            f"DTEND:202606{day + 1:02d}T020000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"
        ).encode()

    titles = [
        "Reserved - Rob S. - payout USD 624.00",
        "Reserved - Lee W. - payout usd 524",
        "Ann K. - owner payout 424",
        # a review of that: cents after a word that says other things too, a sign or a code after the figure
        "Reserved - Sam T. - balance 324.00",
        "Reserved - Kai M. - deposit 224€",
        "Jo P. - payment 124 eur",
        # a review of this session's: what a booking's notes hide, a hold's title hides too
        "Reserved - Venmo 424",
        "Mo R. - collected 324",
    ]
    export = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\n"
    export += b"".join(hold(f"gmb-{n}@ota.example.com", 13 + 2 * n, t) for n, t in enumerate(titles))
    export += hold("yard-1@ota.example.com", 20, "Haul out") + b"END:VCALENDAR\r\n"
    records = parse_ics(export, source="getmyboat", timezone="UTC", asset="sea-lark")
    assert dict(import_records(demo_app, "demo", records).counts) == {"blocked created": 9}
    for scope, target in ((FeedScope.CREW, "theo"), (FeedScope.ENTITY, "saltwind-charters")):
        feed = _feed_text(demo_app, scope, target)
        assert not re.search(r"[654321]24", feed) and feed.count("SUMMARY:Unavailable") == 8, scope
        assert "SUMMARY:Haul out" in feed
    assert "payout USD 624.00" in _feed_text(demo_app, FeedScope.ORG, "demo")  # the operator's own feed: as sent


#: A booking's free-text notes as an owner or a channel writes them: amounts of money among what crew need.
NOTES_WITH_MONEY = (
    "Deposit 215 paid\nOwner share 624\nGuest paid 357 cash\nbalance due 1289 on arrival\n"
    "6 guests, slip 14, 2 coolers, back by 16:00, ramp B, birthday: 40\n"
    "Collected 356 at the dock, Venmo 233, Zelle 151, three hundred paid in cash\n"
    "6 paid guests, discount 25%, pier 39, engine hours 1200\n"
    "Rest 487 on arrival, 263 pounds for fuel, party of 6\nPickup 10.30 each. TOP 3"
)
AMOUNTS_IN_NOTES = ("215", "624", "357", "1289", "356", "233", "151", "487", "263")
HARMLESS_IN_NOTES = ("6 guests", "slip 14", "2 coolers", "16:00", "ramp B", "birthday: 40", "Deposit", "Owner share",
                     "6 paid guests", "discount 25%", "pier 39", "engine hours 1200", "Venmo", "party of 6",
                     "Pickup 10.30 each", "TOP 3")  # fmt: skip


def test_amounts_of_money_in_a_bookings_notes_reach_no_crew_output(demo_app: App) -> None:
    """A review: the notes went to crew as written, so "Deposit 215 paid", "Owner share 624", "paid 357 cash" or
    "balance due 1289 on arrival" showed on every crew member's trip page, trip API answer, mail and calendar feed;
    their amounts are hidden there now, and the rest of the notes (a count, a slip, a time) is shown as written.
    A later review: "Collected 356", "Venmo 233", "Zelle 151" and "three hundred paid" still reached crew, and
    "6 paid guests" read "[amount hidden] paid guests", "discount 25%" "discount [amount hidden]%". A third: an
    amount nothing named in notes of money ("Rest 487 on arrival") and pounds in words reached crew, and "Pickup
    10.30 each" and "TOP 3" read "[amount hidden]"."""
    booking = book(demo_app, notes=NOTES_WITH_MONEY, external_id="WEB-NOTES")
    for where, plain in _crew_outputs(demo_app, booking.event_id, entity_feed=True).items():
        assert [a for a in AMOUNTS_IN_NOTES if shows_gross(plain, a)] == [], where
        assert "three hundred" not in plain, where  # an amount in words
        assert [h for h in HARMLESS_IN_NOTES if h not in plain] == [], where

    # admins see the notes as written: the operator's feed and the operations manager's mail
    org_feed = _feed_text(demo_app, FeedScope.ORG, "demo").replace("\r\n ", "")
    assert all(shows_gross(org_feed, a) for a in AMOUNTS_IN_NOTES)
    [ops] = [e for e in outbox.list_entries(demo_app.store, "demo") if e.message.to == ("ops@example.com",)]
    assert "Owner share 624" in ops.message.text
    admin_page = html.unescape(sign_in(demo_app, "marisol").get(f"/crew/events/{booking.event_id}").text)
    assert "Notes as written" in admin_page and "Owner share 624" in admin_page


#: A counted price list as a channel or a guest writes it: each kind's count, its price however small, its ages.
COUNTED_NOTES = "Adults x2 85 & kids x1 5\n- Adult (2) 85\n- Child (1) 5\nKids x1 USD 5\nKids x2 (5, 7), 16:00"


def test_a_counted_price_lists_small_prices_reach_no_crew_output_and_its_counts_and_ages_do(demo_app: App) -> None:
    """A review: a counted list's small prices reached crew ("kids x1 5", "Child (1) 5", "Kids x1 USD 5") while its
    adults' price was hidden; on each crew output they read "[amount hidden]", and the counts, the ages and the time
    show as written."""
    shown = ("Adults x2 [amount hidden] & kids x1 [amount hidden]", "- Adult (2) [amount hidden]",
             "- Child (1) [amount hidden]", "Kids x1 [amount hidden]", "Kids x2 (5, 7), 16:00")  # fmt: skip
    _crew_read_as(demo_app, COUNTED_NOTES, "WEB-COUNTED", shown, r"(?i)kids x1 (USD )?5|Child \(1\) 5|\b85\b")


#: A counted price list written as a count times its price, with kinds of guest the notes do not know and a price in
#: words, and beside it what crew need: life jackets counted before the list, ages.
COUNTED_OTHERWISE = (
    "Life jackets x2 4\nAdults 2x15, kids 1x5\nGrown-ups x2 85, littles x1 5, dog x1 5\n"
    "Adults x2 eighty-five, kids x1 five\nKids x2 5 and 7 years old"
)


def test_a_counted_lists_prices_reach_no_crew_output_however_written(demo_app: App) -> None:
    """A review: "Adults 2x15, kids 1x5", "littles x1 5", "dog x1 5" and "kids x1 five" reached crew as written; on
    each crew output every price reads "[amount hidden]", and the counts, the life jackets and the ages show."""
    shown = ("Adults 2x[amount hidden], kids 1x[amount hidden]",
             "Grown-ups x2 [amount hidden], littles x1 [amount hidden], dog x1 [amount hidden]",
             "Adults x2 [amount hidden], kids x1 [amount hidden]", "Life jackets x2 4",
             "Kids x2 5 and 7 years old")  # fmt: skip
    _crew_read_as(
        demo_app, COUNTED_OTHERWISE, "WEB-COUNTED-OTHERWISE", shown, r"(?i)1x5|2x15|x1 5\b|x1 five|eighty|\b85\b"
    )


#: What a review found still showing to crew: a deposit before a kind counted after an "x", a small price after "@" or
#: "at", adults and children as "A" and "C", a count with "pax"; and beside them times after "at" that stay times.
COUNTED_LEFT = (
    "Deposit 85 kids x1 5\nAdults 2 @ 15, kids 1 at 5\n2A x 85, 1C x 5\nAdults 2 pax x 85, kids 1 pax x 5\n"
    "2 adults at 10, 1 child at 10.30"
)


def test_the_prices_a_review_found_left_in_counted_lists_reach_no_crew_output(demo_app: App) -> None:
    """A review: "Deposit 85 kids x1 5" showed its 85, "Adults 2 @ 15, kids 1 at 5" both prices, "2A x 85, 1C x 5" and
    "kids 1 pax x 5" the kids' 5; on each crew output they read "[amount hidden]", and the counts and the times show."""
    shown = ("Deposit [amount hidden] kids x1 [amount hidden]",
             "Adults 2 @ [amount hidden], kids 1 at [amount hidden]", "2A x [amount hidden], 1C x [amount hidden]",
             "Adults 2 pax x [amount hidden], kids 1 pax x [amount hidden]",
             "2 adults at 10, 1 child at 10.30")  # fmt: skip
    _crew_read_as(demo_app, COUNTED_LEFT, "WEB-COUNTED-LEFT", shown, r"(?i)\b85\b|@ 15|at 5\b|x 5\b")


#: What the known gaps of crew notes listed: a small price before "ages", an "@" list beside a clock after "at", and
#: beside money, a place's number times its count and a head count on board with markup pasted around it.
GAPS_IN_NOTES = (
    "Adults 2x15 kids 1x5 ages 4 and 7\nAdults 2 @ 15, 2 Adults at 9:30\nSlip 14 x 2, deposit paid\n"
    "Max <span>24</span> on board"
)


def test_the_known_gaps_of_crew_notes_reach_crew_with_their_prices_hidden_and_their_counts_kept(demo_app: App) -> None:
    """A review: "kids 1x5 ages 4 and 7" showed the kids' 5 and "Adults 2 @ 15, 2 Adults at 9:30" the 15, while beside
    a word of money "Slip 14 x 2" lost its 2 and "Max <span>24</span> on board" its 24; on each crew output the prices
    read "[amount hidden]", and the ages, the time, the slip's count and the head count show."""
    shown = ("Adults 2x[amount hidden] kids 1x[amount hidden] ages 4 and 7",
             "Adults 2 @ [amount hidden], 2 Adults at 9:30", "Slip 14 x 2, deposit paid",
             "Max <span>24</span> on board")  # fmt: skip
    _crew_read_as(demo_app, GAPS_IN_NOTES, "WEB-NOTES-GAPS", shown, r"1x5|2x15|@ 15")


def test_a_currency_or_a_time_paid_by_after_a_places_count_hides_it_from_every_crew_output(demo_app: App) -> None:
    """A review: "Slip 14x2€" and "Lot 3 x 9 a day" beside a word of money read as the place's count, so crew read the
    slip's price and the lot's day rate; on each crew output they read "[amount hidden]", and "Slip 14 x 2" shows."""
    notes = "Slip 14x2€, deposit paid\nLot 3 x 9 a day, balance due\nSlip 15 x 2, deposit paid"
    shown = ("Slip 14x[amount hidden]€", "Lot 3 x [amount hidden] a day", "Slip 15 x 2, deposit paid")
    _crew_read_as(demo_app, notes, "WEB-NOTES-PLACE-PRICE", shown, r"x2€|x 9 a day")


#: What a review found still showing to crew: a figure glued to an "x" before its currency, a product's total and its
#: figure after "@", a price after "on board".
LEAKS_IN_NOTES = (
    "Ice x9€, deposit paid\nBait x5 EUR\nSlip 14x2 eur\nSlip 15 x 2 - 80 total\nTable 4 x 6 @ 8\n"
    "Max 24 onboard fee\nmax 23 on board per head\nMax 22 on board, deposit paid"
)


def test_the_money_a_review_found_in_notes_reaches_no_crew_output(demo_app: App) -> None:
    """A review: crew read "Ice x9€", "Bait x5 EUR", "Slip 14x2 eur", the 80 of "Slip 15 x 2 - 80 total", the 8 of
    "Table 4 x 6 @ 8" and the 24 of "Max 24 onboard fee"; on each crew output they read "[amount hidden]", and the
    slip's count and a head count on board show."""
    shown = ("Ice x[amount hidden]€", "Bait x[amount hidden] EUR", "Slip 14x[amount hidden] eur",
             "Slip 15 x 2 - [amount hidden] total", "Table 4 x 6 @ [amount hidden]",
             "Max [amount hidden] onboard fee", "max [amount hidden] on board per head",
             "Max 22 on board, deposit paid")  # fmt: skip
    _crew_read_as(demo_app, LEAKS_IN_NOTES, "WEB-NOTES-LEAKS", shown, r"x9|x5 |x2 eur|\b80\b|@ 8|\b2[34]\b")


#: What a review of that found showing to crew: a deckhand's tip after "deck", a price of each in a product whose total
#: is hidden, a count's own currency before a count of bags.
LEAKS_AFTER_REVIEW = "Tips: skipper 40, deck 17\nLunch 6 x 13 = 78\nIce x9€ 2 bags\nDeck 2 x 4, tip 50"


def test_the_money_a_second_review_found_in_notes_reaches_no_crew_output(demo_app: App) -> None:
    """A second review: crew read the 17 of "Tips: skipper 40, deck 17", the 13 of "Lunch 6 x 13 = 78" and the 9 of
    "Ice x9€ 2 bags"; on each crew output they read "[amount hidden]", and the bags and the deck's number show."""
    shown = ("Tips: skipper [amount hidden], deck [amount hidden]",
             "Lunch [amount hidden] x [amount hidden] = [amount hidden]", "Ice x[amount hidden] 2 bags",
             "Deck 2 x 4, tip [amount hidden]")  # fmt: skip
    _crew_read_as(demo_app, LEAKS_AFTER_REVIEW, "WEB-NOTES-LEAKS-2", shown, r"deck 17|x 13|= 78|skipper 40|tip 50|x9")


#: What the known gaps of crew notes listed as shown in the fifteenth session: a product's total after a colon, a small
#: figure after what a party pays for, a list of kinds counted after an "x" with small figures, and one of kinds of
#: guest from 20 on; beside them, a time after a product's "x", named counts and places, and head counts under 20.
GAPS_FIFTEENTH = (
    "Dep 6 x 15:30\nIce 9 bags, parking spot 4\nAdults 12, kids 2\n"
    "Lunch 6 x 17: 91\nParking 7\nFuel 13\nIce 8\nAdults x2 16, kids x1 3\nAdults 45, kids 5"
)


def test_the_gaps_of_crew_notes_the_fifteenth_session_closed_reach_no_crew_output(demo_app: App) -> None:
    """The known gaps: crew read the 17 of "Lunch 6 x 17: 91" ("17: 91" a time), "Parking 7", "Fuel 13", "Ice 8",
    "Adults x2 16, kids x1 3" (read as ages) and "Adults 45, kids 5" (read as head counts); on each crew output they
    read "[amount hidden]", and the time, the bags, the parking spot and the head counts under 20 show."""
    shown = ("Lunch [amount hidden] x [amount hidden]: [amount hidden]", "Parking [amount hidden]",
             "Fuel [amount hidden]", "Ice [amount hidden]", "Adults x2 [amount hidden], kids x1 [amount hidden]",
             "Adults [amount hidden], kids [amount hidden]", "Dep 6 x 15:30", "Ice 9 bags, parking spot 4",
             "Adults 12, kids 2")  # fmt: skip
    leaked = r"x 17\b|\b91\b|Parking 7\b|Fuel 13\b|Ice 8\b|x2 16\b|x1 3\b|\b45\b|kids 5\b"
    _crew_read_as(demo_app, GAPS_FIFTEENTH, "WEB-NOTES-GAPS-15", shown, leaked)


#: What the fifteenth session's review found: a product's total shaped as minutes, and a paid-for thing's dozens.
REVIEW_FIFTEENTH = "Drinks 6x7:42\nLunch 4 x 11:44\nBait 2 dozen\nDep 6 x 15:30"


def test_what_the_review_of_the_fifteenth_sessions_crew_notes_found_reaches_no_crew_output(demo_app: App) -> None:
    """Its review: crew read count, price and total of "Drinks 6x7:42" and "Lunch 4 x 11:44" (each total read as a
    time) and lost the count of "Bait 2 dozen"; on each crew output the products read "[amount hidden]" and the dozens
    and "Dep 6 x 15:30" (a time: 6 x 15 is no 30) show."""
    shown = ("Drinks [amount hidden]x[amount hidden]:[amount hidden]",
             "Lunch [amount hidden] x [amount hidden]:[amount hidden]", "Bait 2 dozen", "Dep 6 x 15:30")  # fmt: skip
    _crew_read_as(demo_app, REVIEW_FIFTEENTH, "WEB-NOTES-REVIEW-15", shown, r"7:42|11:44|x7\b|x 11\b")


#: What the known gaps of crew notes listed as shown after "@" and a named count in the fifteenth session; beside
#: them, times after "@".
AT_PRICES_FIFTEENTH = (
    "Lunch 6 @ 15, deposit paid\nKayaks 2 @ 9\nIce 3 @ 8\nBait 3 bags 7\nFuel 2 cans x 6\n"
    "Pickup 6 @ 10.30\nMeet @ 8:30\nback @ 1530\nCrew @ 0700"
)


def test_prices_after_at_and_a_named_count_reach_no_crew_output(demo_app: App) -> None:
    """The known gaps: crew read the 15 of "Lunch 6 @ 15" and the 9 of "Kayaks 2 @ 9" (read as times), the 8 of "Ice 3
    @ 8" (its count 3 hidden instead), and the 7 of "Bait 3 bags 7" and the 6 of "Fuel 2 cans x 6"; on each crew
    output they read "[amount hidden]", the counts show, and so do the times after "@"."""
    shown = ("Lunch 6 @ [amount hidden], deposit paid", "Kayaks 2 @ [amount hidden]", "Ice 3 @ [amount hidden]",
             "Bait 3 bags [amount hidden]", "Fuel 2 cans x [amount hidden]", "Pickup 6 @ 10.30", "Meet @ 8:30",
             "back @ 1530", "Crew @ 0700")  # fmt: skip
    _crew_read_as(demo_app, AT_PRICES_FIFTEENTH, "WEB-NOTES-AT-15", shown, r"(?:@ 15|@ 9|@ 8|bags 7|x 6)(?![\w:.])")


#: What the known gaps of crew notes listed as shown in the sixteenth session: a price after "@" shaped as a clock or
#: with no count or a count in brackets before it, after "at" and a paid-for thing's named count, a counted list's
#: prices with the count before its kind or apart, and a product's total after an arrow; beside them, times.
GAPS_SIXTEENTH = (
    "Lunch 6 @ 12.50\nDinner 6 @ 1230\nDrinks @ 17\nSnacks (6) @ 11\nIce 3 bags at 8\n2 adults 19, 1 kid 3\n"
    "2 x Adult 18, 1 x Child 4\nAdults 2 16, kids 1 7\nWraps 6 x 13 -> 78\n"
    "Meet @ 12.30\nback @ 1530\nPickup @ 9\nBrunch 6 @ 7pm\nBack at 8"
)


def test_the_gaps_of_crew_notes_the_sixteenth_session_closed_reach_no_crew_output(demo_app: App) -> None:
    """The known gaps: crew read the 12.50 of "Lunch 6 @ 12.50" and the 1230 of "Dinner 6 @ 1230" (read as times), the
    17 of "Drinks @ 17", the 11 of "Snacks (6) @ 11", the 8 of "Ice 3 bags at 8", the prices of "2 adults 19, 1 kid 3",
    "2 x Adult 18, 1 x Child 4" and "Adults 2 16, kids 1 7", and the factors of "Wraps 6 x 13 -> 78"; on each crew
    output they read "[amount hidden]", the counts show, and so do the times."""
    shown = ("Lunch 6 @ [amount hidden]", "Dinner 6 @ [amount hidden]", "Drinks @ [amount hidden]",
             "Snacks (6) @ [amount hidden]", "Ice 3 bags at [amount hidden]",
             "2 adults [amount hidden], 1 kid [amount hidden]", "2 x Adult [amount hidden], 1 x Child [amount hidden]",
             "Adults 2 [amount hidden], kids 1 [amount hidden]",
             "Wraps [amount hidden] x [amount hidden] -> [amount hidden]", "Meet @ 12.30", "back @ 1530",
             "Pickup @ 9", "Brunch 6 @ 7pm", "Back at 8")  # fmt: skip
    leaked = r"@ 12\.50|@ 1230|@ 17|@ 11|bags at 8|adults 19|kid 3|Adult 18|Child 4|Adults 2 16|kids 1 7|x 13|-> 78"
    _crew_read_as(demo_app, GAPS_SIXTEENTH, "WEB-NOTES-GAPS-16", shown, leaked)


#: A run sheet of the sixteenth session's review: times after a word and "@" crew need, beside prices after "@".
RUN_SHEET_SIXTEENTH = (
    "Sunset cruise @ 7\nCeremony @ 5.30, cake @ 6.15, fireworks @ 9\nCheck-in @ 9.30\nParty 6 @ 9.30\n"
    "Drinks @ 6 each\nBeer @ 5, wraps @ 12.50"
)


def test_a_run_sheets_times_after_at_reach_every_crew_output_and_its_prices_none(demo_app: App) -> None:
    """Its review: the first fix hid every figure after "@" and a word not in a short list, so crew read "Sunset cruise
    @ [amount hidden]", "Ceremony @ [amount hidden]" and "Party 6 @ [amount hidden]"; on each crew output the hours
    and quarter hours show, and "Drinks @ 6 each" and "Beer @ 5" beside "wraps @ 12.50" still read as prices."""
    shown = ("Sunset cruise @ 7", "Ceremony @ 5.30, cake @ 6.15, fireworks @ 9", "Check-in @ 9.30",
             "Party 6 @ 9.30", "Drinks @ [amount hidden] each",
             "Beer @ [amount hidden], wraps @ [amount hidden]")  # fmt: skip
    _crew_read_as(demo_app, RUN_SHEET_SIXTEENTH, "WEB-NOTES-RUN-16", shown, r"@ 6 each|@ 5,|@ 12\.50")


def _crew_read_as(demo_app: App, notes: str, external_id: str, shown: tuple[str, ...], leaked: str) -> None:
    """A booking of `notes`: every crew output holds each of `shown` as written and nothing `leaked` matches."""
    booking = book(demo_app, notes=notes, external_id=external_id)
    for where, plain in _crew_outputs(demo_app, booking.event_id).items():
        assert [line for line in shown if line not in plain] == [], where
        assert not re.search(leaked, plain), where


def _crew_outputs(demo_app: App, event_id: str, *, entity_feed: bool = False) -> dict[str, str]:
    """What crew read of a trip, unescaped: its crew page, the crew API, the crew feed (and the boat's, asked) and every
    crew mail."""
    theo = sign_in(demo_app, "theo")
    outputs = {
        "page": theo.get(f"/crew/events/{event_id}").text,
        "api": json.loads(theo.get(f"/api/v1/events/{event_id}").text)["notes"],
        "crew feed": _feed_text(demo_app, FeedScope.CREW, "theo"),
    }
    if entity_feed:
        outputs["entity feed"] = _feed_text(demo_app, FeedScope.ENTITY, "saltwind-charters")
    mails = [e for e in outbox.list_entries(demo_app.store, "demo") if ":crew:" in e.key]
    assert mails
    for entry in mails:
        outputs[f"mail text {entry.key}"] = entry.message.text
        outputs[f"mail html {entry.key}"] = entry.message.html or ""
    return {
        where: html.unescape(text).replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",")
        for where, text in outputs.items()
    }


def test_a_feeds_own_lines_reach_crew_whole_beside_notes_of_money(demo_app: App) -> None:
    """A trip's feed entry reads its guests and its boat, then its notes: the notes' money is hidden, but a figure
    of firstmate's own lines is no figure of the notes ("Guests: 24" beside "Deposit paid")."""
    book(demo_app, notes="Deposit paid, rest 487 on arrival", guest_count=24, external_id="WEB-BIG-PARTY")

    def unfolded(feed: str) -> str:
        return feed.replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",")

    crew_feed = unfolded(_feed_text(demo_app, FeedScope.CREW, "theo"))
    assert "Guests: 24" in crew_feed and "Notes: Deposit paid, rest [amount hidden] on arrival" in crew_feed
    assert "Notes: Deposit paid, rest 487 on arrival" in unfolded(_feed_text(demo_app, FeedScope.ORG, "demo"))


def test_a_channels_hold_titled_with_a_bare_amount_reaches_crew_feeds_without_it(demo_app: App) -> None:
    """A review: a hold titled with its payout and no word of money ("Reserved - Rob S. - 624") was in every crew
    member's feed; a title with a year ("Owner use 2026") is no money."""
    from firstmate.adapters.sources.bookings.ics_file import parse_ics

    export = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example OTA//EN\r\n"
    for day, title in ((13, "Reserved - Rob S. - 624"), (16, "Owner use 2026")):
        export += (
            f"BEGIN:VEVENT\r\nUID:gmb-{day}@ota.example.com\r\nDTSTAMP:20260520T100000Z\r\n"
            f"DTSTART:202606{day}T230000Z\r\nDTEND:202606{day + 1}T020000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"
        ).encode()
    records = parse_ics(export + b"END:VCALENDAR\r\n", source="getmyboat", timezone="UTC", asset="sea-lark")
    assert dict(import_records(demo_app, "demo", records).counts) == {"blocked created": 2}
    feed = _feed_text(demo_app, FeedScope.CREW, "theo")
    assert "624" not in feed and "SUMMARY:Unavailable" in feed and "SUMMARY:Owner use 2026" in feed
    assert "Reserved - Rob S. - 624" in _feed_text(demo_app, FeedScope.ORG, "demo")
