"""A start written with another offset than the business's zone has then: said, never refused (`other_offset`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firstmate.domain.timing import other_offset


def test_a_start_in_utc_written_plus_zero_is_no_other_offset_where_the_zone_never_has_it() -> None:
    """A review: Python's `isoformat()` writes UTC as "+00:00", and a program sending its starts so was warned on
    every booking of a Los Angeles business that the trip might be hours off. Where the zone never has UTC's
    offset it is UTC written out, as "Z" is; where it has it in one season (Lisbon's winter), "+00:00" in summer
    may be a winter time copied down a column, and is still said."""
    summer = datetime(2027, 7, 4, 17, tzinfo=UTC)
    assert other_offset(summer, timedelta(0), "America/Los_Angeles") is None
    assert other_offset(summer, timedelta(hours=1), "America/Los_Angeles") is not None  # Lisbon's, in LA
    lisbon = other_offset(summer, timedelta(0), "Europe/Lisbon")
    assert lisbon is not None and lisbon.startswith("17:00 +00:00 is 18:00 in Europe/Lisbon")
