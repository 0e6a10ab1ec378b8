"""HubSpotSource against the HubSpot stand-in over real HTTP: paging, the result cap, 429s."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.errors import SourceAuthError, SourceError, SourceUnavailable
from firstmate.standin.data import build_history
from firstmate.standin.server import HUBSPOT_TOKEN, StandIn, running

HISTORY = build_history(datetime(2026, 11, 9).date())
SINCE = datetime(2026, 11, 2, tzinfo=UTC)
UNTIL = SINCE + timedelta(days=7) - timedelta(milliseconds=1)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with running(HISTORY) as server:
        yield server


def _source(standin: StandIn, **options: object) -> HubSpotSource:
    return HubSpotSource(standin.url, lambda: HUBSPOT_TOKEN, sleep=lambda _: None, page_size=20, **options)  # type: ignore[arg-type]


def _expected(since: datetime, until: datetime) -> set[str]:
    return {c.id for c in HISTORY.contacts if since <= c.created <= until}


def test_a_week_of_contacts_pages_through_with_attribution(standin: StandIn) -> None:
    source = _source(standin)
    leads = source.parse(source.pull(SINCE, UNTIL))
    assert {lead.id for lead in leads} == _expected(SINCE, UNTIL) and len(leads) > 40
    paid = [lead for lead in leads if lead.paid_social]
    assert paid and all(lead.utm_campaign.startswith(("SW |", "TW |")) for lead in paid)
    assert all(SINCE <= lead.created <= UNTIL for lead in leads)


def test_a_range_past_the_result_cap_is_split_and_nothing_is_counted_twice(standin: StandIn) -> None:
    standin.hubspot_faults.cap = 100  # HubSpot's real cap is 10,000; the same rule at a smaller size
    source = _source(standin, cap=100)
    since = SINCE - timedelta(weeks=8)
    leads = source.parse(source.pull(since, UNTIL))
    assert {lead.id for lead in leads} == _expected(since, UNTIL) and len(leads) > 300
    assert len(leads) == len({lead.id for lead in leads})
    assert sum("after=0" in call for call in standin.hubspot_faults.calls) > 4  # it split the range


def test_429_waits_for_retry_after_then_goes_on(standin: StandIn) -> None:
    standin.hubspot_faults.rate_limited_calls = 2
    source = _source(standin)
    assert {lead.id for lead in source.parse(source.pull(SINCE, UNTIL))} == _expected(SINCE, UNTIL)
    assert source.waited.count(1.0) >= 2


def test_a_used_up_daily_quota_or_a_long_wait_stops_the_pull_in_one_line_without_waiting(standin: StandIn) -> None:
    """The day's quota ends at midnight, and a 429 asking for an hour would hold the scheduler (it
    slept six hours): both stop at once and say why."""
    standin.hubspot_faults.rate_limited_calls, standin.hubspot_faults.daily_limit = 9, True
    source = _source(standin)
    with pytest.raises(SourceUnavailable, match="daily API quota is used up"):
        source.pull(SINCE, UNTIL)
    standin.hubspot_faults.daily_limit, standin.hubspot_faults.retry_after = False, "3600"
    with pytest.raises(SourceUnavailable, match="asks to wait 60 minutes"):
        source.pull(SINCE, UNTIL)
    assert sum(source.waited) < 1 and len(standin.hubspot_faults.calls) == 2


@pytest.mark.parametrize("asked", ["nan", "inf", "1e400", "Wed, 21 Oct 2026 07:28:00 GMT"])
def test_a_retry_after_that_is_not_a_number_of_seconds_is_waited_out_with_backoff(standin: StandIn, asked: str) -> None:
    standin.hubspot_faults.rate_limited_calls, standin.hubspot_faults.retry_after = 2, asked
    source = _source(standin)
    assert {lead.id for lead in source.parse(source.pull(SINCE, UNTIL))} == _expected(SINCE, UNTIL)
    assert [w for w in source.waited if w >= 1] == [2.0, 4.0]  # not the spacing between calls


def test_a_bad_token_says_what_to_do(standin: StandIn) -> None:
    source = HubSpotSource(standin.url, lambda: "pat-old", sleep=lambda _: None)
    with pytest.raises(SourceAuthError, match="private app token"):
        source.pull(SINCE, UNTIL)


def test_an_answer_that_is_not_strict_json_stops_the_pull_clearly(standin: StandIn) -> None:
    # Python's json would read NaN; a page holding it could not be archived as it came (orjson, the
    # archive's writer, writes NaN as null), and JSON does not allow it
    standin.hubspot_faults.loose_json = True
    with pytest.raises(SourceError, match=r"HubSpot answered 200 with a number firstmate cannot take \(NaN is not"):
        _source(standin).pull(SINCE, UNTIL)


def test_an_answer_that_is_not_json_at_all_stops_the_pull_with_one_line(standin: StandIn) -> None:
    standin.hubspot_faults.html_answers = True
    with pytest.raises(SourceError, match=r"HubSpot answered 200 with something that is not JSON \(Expecting value"):
        _source(standin).pull(SINCE, UNTIL)


def test_an_error_answered_as_a_json_list_stops_the_pull_with_one_line(standin: StandIn) -> None:
    """A review: a 4xx whose body was a JSON list (a proxy's) crashed the run: "unexpected AttributeError"."""
    standin.hubspot_faults.list_error = 400
    with pytest.raises(SourceError, match=r"HubSpot refused the search \(400\): \[\{"):
        _source(standin).pull(SINCE, UNTIL)


@pytest.mark.parametrize("pasted", ["pat-na1 standin", "pat-na1-\u00e9", "pat\nna1", ""])
def test_a_token_no_header_can_carry_is_refused_in_one_line_without_it(standin: StandIn, pasted: str) -> None:
    source = HubSpotSource(standin.url, lambda: pasted, sleep=lambda _: None)
    with pytest.raises(SourceAuthError, match="secret hubspot_token") as refused:
        source.pull(datetime(2026, 11, 9, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC))
    assert "standin" not in str(refused.value) and standin.hubspot_faults.calls == []


def test_a_createdate_in_milliseconds_since_1970_is_read_as_the_moment_it_is(standin: StandIn) -> None:
    """Some portals still hold `createdate` as epoch milliseconds: it stopped the whole report
    ("month must be in 1..12")."""
    page = {"request": {}, "body": {"results": [
        {"id": "901", "properties": {"createdate": "1794420000000", "hs_analytics_source": "PAID_SOCIAL"}},
        {"id": "902", "properties": {"createdate": None}, "createdAt": "2026-11-10T18:00:00.000Z"},
    ]}}  # fmt: skip
    leads = _source(standin).parse([page])
    assert sorted((lead.id, lead.created) for lead in leads) == [
        ("901", datetime(2026, 11, 11, 18, 0, tzinfo=UTC)),
        ("902", datetime(2026, 11, 10, 18, 0, tzinfo=UTC)),
    ]


def test_digits_that_are_not_milliseconds_since_1970_are_refused_not_read_as_1970(standin: StandIn) -> None:
    page = {"request": {}, "body": {"results": [{"id": "903", "properties": {"createdate": "20261110"}}]}}
    with pytest.raises(SourceError, match="HubSpot"):
        _source(standin).parse([page])


def test_hubspot_out_of_reach_is_tried_with_backoff_and_not_waited_for_after_the_last_try() -> None:
    source = HubSpotSource("http://127.0.0.1:9", lambda: HUBSPOT_TOKEN, sleep=lambda _: None, attempts=4)
    with pytest.raises(SourceUnavailable, match="cannot reach HubSpot"):
        source.pull(SINCE, UNTIL)
    assert [w for w in source.waited if w >= 1] == [2.0, 4.0, 8.0]


def test_more_contacts_than_the_cap_created_at_one_moment_are_read_by_id() -> None:
    """A list imported into HubSpot makes thousands of contacts within a second: no split of the range by
    time could bring it under the cap, paging went past it, HubSpot refused (400), and every weekly
    report whose sixteen weeks held the import failed. Such a moment is read in runs sorted by id."""
    from dataclasses import replace

    from firstmate.standin.data import Contact

    moment = SINCE + timedelta(days=2, hours=3, milliseconds=250)
    imported = [
        Contact(id=str(5_000_000 + 7 * n), created=moment, email=f"import{n}@example.com", source="OFFLINE",
                source_data_1="IMPORT", source_data_2="", utm_campaign="", utm_content="", brand="SW")
        for n in range(350)
    ]  # fmt: skip
    history = replace(HISTORY, contacts=[*HISTORY.contacts, *imported])
    with running(history) as server:
        server.hubspot_faults.cap = 100  # HubSpot's real cap is 10,000; the same rule at a smaller size
        source = _source(server, cap=100)
        leads = source.parse(source.pull(SINCE, UNTIL))
    expected = {c.id for c in history.contacts if SINCE <= c.created <= UNTIL}
    assert {lead.id for lead in leads} == expected and len(expected) > 350 + 40
    assert {lead.id for lead in leads if lead.source == "OFFLINE"} == {c.id for c in imported}


def test_an_import_read_by_id_starts_sorted_by_id_whatever_order_its_creation_times_tie_in() -> None:
    """A review: the first run of an import read by id was sorted by creation time, every one the same, so
    HubSpot gave its contacts in an order of its own; the next run read from past the highest id of those,
    and every contact of a lower id not among them was never read (here 246 of 350)."""
    from dataclasses import replace

    from firstmate.standin.data import Contact

    moment = SINCE + timedelta(days=2, hours=3, milliseconds=250)
    imported = [
        Contact(id=str(5_000_000 + 7 * ((n * 37) % 350)), created=moment, email=f"import{n}@example.com",
                source="OFFLINE", source_data_1="IMPORT", source_data_2="", utm_campaign="", utm_content="",
                brand="SW")
        for n in range(350)
    ]  # fmt: skip
    history = replace(HISTORY, contacts=[*HISTORY.contacts, *imported])
    with running(history) as server:
        server.hubspot_faults.cap = 100
        source = _source(server, cap=100)
        leads = source.parse(source.pull(SINCE, UNTIL))
    assert {lead.id for lead in leads if lead.source == "OFFLINE"} == {c.id for c in imported}
