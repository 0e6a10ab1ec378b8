"""Changes a calendar export asks of a cancelled booking: said on a `not changed:` line, as a CSV row's or an email's
are, and nothing stored changes. A known gap (docs/reliability.md): an export listing a cancelled booking at other
times without its guest lines, or as STATUS:TENTATIVE, said nothing. (A CSV row's: `test_cli_cancel.py`.)"""

from __future__ import annotations

from firstmate.adapters.sources.bookings.ics_file import parse_ics
from firstmate.bootstrap import App
from firstmate.services import outbox
from firstmate.services.bookings import cancel_booking
from firstmate.services.imports import ImportReport, import_records
from tests.e2e.test_booking_import import BOOKED, _only_booking, _ota_event

#: The export's event for the booking, listed without its Guest: and Email: lines, at its own times.
LISTED = _ota_event("", lines="SUMMARY:Reserved\r\nSTATUS:CONFIRMED\r\n")


def _moved(export: bytes) -> bytes:
    """`export`'s event a day later (Sun 14 Jun 2026, 16:00 to 19:00 PDT)."""
    return export.replace(b"DTSTART:20260613T230000Z", b"DTSTART:20260614T230000Z").replace(
        b"DTEND:20260614T020000Z", b"DTEND:20260615T020000Z"
    )


def _import_ota(app: App, export: bytes) -> ImportReport:
    return import_records(app, "demo", parse_ics(export, source="getmyboat", timezone="UTC", asset="sea-lark"))


def test_a_cancelled_bookings_listing_at_other_times_or_tentative_says_it_changed_nothing(demo_app: App) -> None:
    """A channel's export listing a cancelled booking at other times without its guest lines, or as STATUS:TENTATIVE
    (asked again), was counted "1 unchanged" without a word, where the same change with its guest lines, a CSV row or
    an email says why it changed nothing. It says so too, naming the event; nothing stored changes, nobody is told."""
    assert dict(_import_ota(demo_app, _ota_event(BOOKED)).counts) == {"created": 1}
    cancel_booking(demo_app, "demo", _only_booking(demo_app)["id"])
    stored, mail = _only_booking(demo_app), outbox.list_entries(demo_app.store, "demo")
    words = (
        "getmyboat gmb-7@ota.example.com was cancelled on Mon 1 Jun 2026, 09:00 PDT: a cancellation is final, so this "
        "change changed nothing; a rebooking comes with a new UID in the channel's export"
    )
    for export in (_moved(LISTED), _ota_event(BOOKED, lines="STATUS:TENTATIVE\r\n"), _moved(_ota_event(BOOKED))):
        report = _import_ota(demo_app, export)
        assert report.ok and dict(report.counts) == {"unchanged": 1}, report
        assert report.summary() == "1 unchanged (1 change(s) to cancelled bookings not applied, listed below)"
        assert report.refused == [words], export
        assert _only_booking(demo_app) == stored and outbox.list_entries(demo_app.store, "demo") == mail
    # its own listing, with or without its guests, or its cancellation again, asks nothing: nothing to say
    cancelled = _ota_event("", lines="SUMMARY:Cancelled\r\nSTATUS:CANCELLED\r\n")
    for export in (LISTED, _ota_event(BOOKED), cancelled, _moved(cancelled)):
        report = _import_ota(demo_app, export)
        assert dict(report.counts) == {"unchanged": 1} and report.refused == [], export
    assert _only_booking(demo_app) == stored and outbox.list_entries(demo_app.store, "demo") == mail


def test_an_older_exports_listing_of_a_cancelled_booking_at_its_old_times_says_nothing(demo_app: App) -> None:
    """An export numbered below one imported before lists the booking as it was (tentative, or at the times it had
    before it moved): older news, which asks nothing of the booking, cancelled since, and is not said."""
    uid = "gmb-9@ota.example.com"
    first = _ota_event(BOOKED, uid=uid, lines="STATUS:TENTATIVE\r\nSEQUENCE:1\r\n")
    assert dict(_import_ota(demo_app, _moved(_ota_event(BOOKED, uid=uid, lines="SEQUENCE:2\r\n"))).counts) == {
        "created": 1
    }
    cancelled = _ota_event("", uid=uid, lines="SUMMARY:Cancelled\r\nSTATUS:CANCELLED\r\nSEQUENCE:3\r\n")
    assert dict(_import_ota(demo_app, _moved(cancelled)).counts) == {"cancelled": 1}
    stored = _only_booking(demo_app)
    for old in (first, _ota_event("", uid=uid, lines="SUMMARY:Reserved\r\nSEQUENCE:1\r\n")):
        report = _import_ota(demo_app, old)
        assert dict(report.counts) == {"unchanged": 1} and report.refused == [], old
    assert _only_booking(demo_app) == stored
