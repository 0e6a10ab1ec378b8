"""A calendar feed written line by line says byte for byte what icalendar's own Events said, whatever the text
(escapes at a fold, emoji split at 75 octets, combining marks, CR alone, control characters, a byte order mark)
and whatever the zone (half-hour offsets and DST, a moment the clocks repeat or skip), cut or not; and every
app reading it gets back the text and times written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from firstmate.domain.calendar import CalendarEntry, EntryKind
from firstmate.services.calendar import render_ics
from tests.fuzz.strategies import FUZZ, examples
from tests.web.test_feed_render import _feed_as_icalendar_wrote_it

ZONES = ["UTC", "America/Los_Angeles", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "Etc/UTC"]
#: What breaks a line writer: escapes and their neighbours at a fold, characters of 2 to 4 octets, line ends.
PIECES = ["\\", ";", ",", ":", "\r", "\n", "\r\n", "\t", "\x00", "\x1b", "🥜", "e\u0301", "ü", "船", "^", '"', "\\N",
          "https://example.com/trip?a=1;b=2,c", " ", "\ufeff", "x" * 37]  # fmt: skip
texts = st.one_of(st.text(max_size=120), st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=30))
texts = texts.map(lambda t: t if isinstance(t, str) else "".join(t))
#: stored in UTC; written read in other zones (DTSTAMP), whole minutes around the night the clocks go back
moments = st.datetimes(datetime(2020, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC)).map(
    lambda m: m.replace(second=0, microsecond=0)
)
#: the nights the clocks go back in Los Angeles, and by half an hour on Lord Howe (from 01:30) and Chatham (02:45)
NIGHTS = [
    datetime(2026, 11, 1, 7, tzinfo=UTC),
    datetime(2026, 4, 4, 13, tzinfo=UTC),
    datetime(2026, 4, 4, 12, tzinfo=UTC),
]
night = st.builds(lambda at, m: at + timedelta(minutes=m), st.sampled_from(NIGHTS), st.integers(0, 240))
stamps = st.datetimes(
    datetime(2020, 1, 1), datetime(2040, 1, 1), timezones=st.sampled_from([UTC, ZoneInfo("Asia/Tokyo")])
)


def read_back(text: str) -> str:
    """`text` as an app reads it from a feed: icalendar writes a backslash and N, CRLF and a lone CR as a line
    end, and drops a byte order mark leading it (as it did before 2026-12-07)."""
    return text.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")


@st.composite
def entries(draw: st.DrawFn) -> CalendarEntry:
    start = draw(st.one_of(moments, night))
    blocked = draw(st.booleans())
    return CalendarEntry(
        uid=draw(texts.filter(bool)),
        org="demo",
        entity="charters",
        asset=draw(st.sampled_from(["", "sea-lark"])),
        kind=EntryKind.BLOCKED if blocked else EntryKind.BOOKING,
        event_id=None if blocked else "e1",
        title=draw(texts),
        start=start,
        end=start + timedelta(minutes=draw(st.integers(0, 9 * 24 * 60))),
        location=draw(texts),
        crew_description="Guests: 6\nNotes: " + draw(texts),
        money_summary=draw(texts),
        cancelled=draw(st.booleans()),
        sequence=draw(st.integers(0, 500)),
        updated_at=draw(stamps),
    )


@settings(FUZZ, max_examples=examples(150))
@given(
    st.lists(entries(), min_size=1, max_size=4, unique_by=lambda e: read_back(e.uid)),
    st.sampled_from(ZONES),
    st.booleans(),
)
def test_a_feed_is_what_icalendar_s_events_wrote_and_reads_back(
    listed: list[CalendarEntry], timezone: str, with_money: bool
) -> None:
    written = render_ics(listed, timezone, "Saltwind Charters trips", with_money=with_money)
    assert written == _feed_as_icalendar_wrote_it(listed, timezone, with_money)
    events = icalendar.Calendar.from_ical(written).walk("VEVENT")
    by_uid = {str(e["UID"]): e for e in events}
    for entry in listed:
        event = by_uid[read_back(entry.uid)]
        assert event.decoded("DTSTART").astimezone(UTC) == entry.start
        assert event.decoded("DTEND").astimezone(UTC) == entry.end
        if entry.kind is EntryKind.BOOKING and with_money:
            assert str(event["SUMMARY"]) == read_back(("Cancelled: " if entry.cancelled else "") + entry.title)


@settings(FUZZ, max_examples=examples(40))
@given(st.lists(entries(), min_size=2, max_size=6), st.integers(600, 4000), texts)
def test_a_feed_cut_at_its_bound_is_within_it_and_reads_back(
    listed: list[CalendarEntry], budget: int, more: str
) -> None:
    written = render_ics(
        listed, "Asia/Kathmandu", "Saltwind Charters trips", with_money=False, budget=budget, more_at=more
    )
    events = icalendar.Calendar.from_ical(written).walk("VEVENT")
    shown = [e for e in events if not str(e["UID"]).startswith("feed-cut-")]
    whole = render_ics(listed, "Asia/Kathmandu", "Saltwind Charters trips", with_money=False)
    if len(shown) == len(listed):
        assert written == whole
    else:  # what it lists is what the uncut feed lists first, byte for byte
        assert len(events) == len(shown) + 1
        assert all(e.to_ical() in whole for e in shown)
