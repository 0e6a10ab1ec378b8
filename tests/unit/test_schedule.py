"""Cron schedules in a business time zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from firstmate.domain.schedule import Schedule

MONDAY_7AM_LA = Schedule("weekly", "0 7 * * MON", "America/Los_Angeles")


def test_monday_seven_am_stays_seven_am_local_across_the_dst_change() -> None:
    # DST ends in Los Angeles on Sunday 2026-11-01: 7:00 is 14:00 UTC before, 15:00 UTC after
    assert MONDAY_7AM_LA.next_fire(datetime(2026, 10, 20, tzinfo=UTC)) == datetime(2026, 10, 26, 14, tzinfo=UTC)
    assert MONDAY_7AM_LA.next_fire(datetime(2026, 10, 27, tzinfo=UTC)) == datetime(2026, 11, 2, 15, tzinfo=UTC)
    # and back in spring (DST starts Sunday 2027-03-14)
    assert MONDAY_7AM_LA.next_fire(datetime(2027, 3, 10, tzinfo=UTC)) == datetime(2027, 3, 15, 14, tzinfo=UTC)


def test_previous_fire_includes_the_exact_moment() -> None:
    fire = datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert MONDAY_7AM_LA.previous_fire(fire) == fire
    assert MONDAY_7AM_LA.previous_fire(fire - timedelta(seconds=1)) == datetime(2026, 10, 26, 14, tzinfo=UTC)


def test_a_missed_run_is_caught_up_within_the_window_only() -> None:
    fire = datetime(2026, 11, 2, 15, tzinfo=UTC)
    assert MONDAY_7AM_LA.due_period(fire + timedelta(hours=2)) == fire
    assert MONDAY_7AM_LA.due_period(fire + timedelta(hours=7)) is None


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="cron"):
        Schedule("x", "every monday", "UTC")
    with pytest.raises(ValueError, match="cron"):
        Schedule("x", "0 0 7 * * MON", "UTC")
    with pytest.raises(Exception, match="Mars"):
        Schedule("x", "0 7 * * MON", "Mars/Olympus")


def test_an_org_whose_week_is_not_over_when_the_weekly_reports_run_is_warned_of() -> None:
    """A review: with the deployment's `timezone` UTC and the org in Los Angeles, Monday 07:00 UTC is Sunday
    23:00 there: every Monday report was of the week before, unsaid."""
    from firstmate.config import Settings
    from firstmate.jobs import late_week_warnings

    now = datetime(2026, 11, 26, tzinfo=UTC)
    orgs = [("demo", "America/Los_Angeles"), ("east", "Asia/Tokyo")]
    [line] = late_week_warnings(Settings(timezone="UTC"), orgs, now)
    assert line.startswith("org 'demo' is in America/Los_Angeles") and "set timezone = 'America/Los_Angeles'" in line
    assert late_week_warnings(Settings(timezone="America/Los_Angeles"), orgs, now) == []


def test_an_ad_account_whose_week_is_not_over_when_the_weekly_reports_run_is_warned_of() -> None:
    """A review: Meta counts an account's days in its own zone; one behind the business's had every Monday report
    a week old (the week before, whole), and nothing said so at start. Since the report waits for the account's
    week (a known gap), the line says when it goes out."""
    from firstmate.config import Settings
    from firstmate.jobs import late_week_warnings

    now, settings = datetime(2026, 11, 26, tzinfo=UTC), Settings(timezone="Pacific/Auckland")
    orgs = [("demo", "Pacific/Auckland"), ("east", "Pacific/Auckland")]
    zones: dict[str, dict[str, str | None]] = {
        "demo": {"1001": "America/Los_Angeles", "1002": "Asia/Tokyo", "1003": None},
        "east": {"2001": "Asia/Tokyo", "2002": "Pacific/Auckland"},  # ahead or the same: its week is over
    }
    [line] = late_week_warnings(settings, orgs, now, zones)
    assert line.startswith("org 'demo': ad account 1001 counts its days in America/Los_Angeles, where the week")
    assert line.endswith(
        "its weekly report waits for it, and goes out at Mon 22:00 Pacific/Auckland time, an hour after it has"
    )
    assert late_week_warnings(settings, orgs, now) == []  # no zone recorded: none said
