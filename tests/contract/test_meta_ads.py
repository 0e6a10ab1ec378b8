"""MetaAdsSource against the Meta stand-in over real HTTP: paging, async runs, usage, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.errors import SourceAuthError, SourceError, SourcePermissionError, SourceUnavailable
from firstmate.standin.data import build_history
from firstmate.standin.server import META_TOKEN, StandIn, running

LAST_WEEK = date(2026, 11, 9)
HISTORY = build_history(LAST_WEEK)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with running(HISTORY) as server:
        yield server


def _source(standin: StandIn, token: str = META_TOKEN, **options: object) -> MetaAdsSource:
    return MetaAdsSource(standin.url, lambda: token, sleep=lambda _: None, page_size=5, **options)  # type: ignore[arg-type]


def test_one_week_pages_through_every_ad_set_and_counts_each_lead_once(standin: StandIn) -> None:
    source = _source(standin)
    pages = source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    rows = source.parse(pages)
    expected = [r for r in HISTORY.rows if r.adset.account == "1001" and r.week_start == LAST_WEEK]
    assert len(rows) == len(expected) == 4 and len(pages) == 1
    by_adset = {r.adset_id: r for r in rows}
    for row in expected:
        got = by_adset[row.adset.adset_id]
        assert got.leads == row.leads  # not lead + lead_grouped + pixel lead
        assert str(got.spend) == f"{row.spend:.2f}" and got.impressions == row.impressions
        assert got.landing_page_views == row.landing_page_views
    assert "access_token" not in json.dumps(pages)


def test_a_sixteen_week_backfill_runs_as_an_async_report_and_follows_cursors(standin: StandIn) -> None:
    source = _source(standin)
    since = LAST_WEEK - timedelta(weeks=15)
    pages = source.pull("1001", since, LAST_WEEK + timedelta(days=6))
    rows = source.parse(pages)
    assert len(rows) == 16 * 4 and len({(r.adset_id, r.week_start) for r in rows}) == 64
    calls = standin.meta_faults.calls
    assert calls[0].startswith("POST insights 1001") and any(c.startswith("GET run ") for c in calls)
    assert sum(c.startswith("GET run insights") for c in calls) == 13  # 64 rows, 5 a page
    assert "access_token" not in json.dumps(pages)


def test_high_usage_slows_down_and_rate_limits_are_retried(standin: StandIn) -> None:
    standin.meta_faults.usage_pct = 95
    standin.meta_faults.rate_limited_calls = 2
    standin.meta_faults.transient_errors = 1
    source = _source(standin)
    rows = source.parse(source.pull("1002", LAST_WEEK, LAST_WEEK + timedelta(days=6)))
    assert len(rows) == 2
    assert sum(source.waited) >= 3 * 1 + 5 * 6  # three retried failures, and a pause after busy answers


def test_a_throttle_meta_says_lasts_minutes_stops_the_pull_at_once(standin: StandIn) -> None:
    """Meta says how long a throttled account waits (x-business-use-case-usage): beyond a minute,
    the pull's own retries (15 s of them) only spent calls; it stops and says for how long."""
    standin.meta_faults.rate_limited_calls, standin.meta_faults.regain_minutes = 9, 20
    source = _source(standin)
    with pytest.raises(SourceUnavailable, match="throttles this ad account's reads for about 20 minutes"):
        source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    assert len(standin.meta_faults.calls) == 1 and source.waited == []


def test_an_expired_token_says_renew_it(standin: StandIn) -> None:
    with pytest.raises(SourceAuthError, match="renew the token"):
        _source(standin, token="EAAG-old").pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_a_token_meta_echoes_back_stays_out_of_the_error(standin: StandIn) -> None:
    """Meta names a malformed token in its error; the error reaches the owner's mail and the admin
    pages, so the token is taken out of it."""
    standin.meta_faults.malformed_token = True
    with pytest.raises(SourceAuthError) as refused:
        _source(standin).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    assert "Malformed access token [the token]" in str(refused.value) and META_TOKEN not in str(refused.value)


@pytest.mark.parametrize("pasted", [META_TOKEN + "\n", f"  {META_TOKEN} "])
def test_a_token_pasted_with_spaces_or_a_line_break_around_it_works(standin: StandIn, pasted: str) -> None:
    assert _source(standin, token=pasted).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))


@pytest.mark.parametrize("pasted", ["EAAG standin", "EAAG\u00a0standin", "EAAG\nstandin", ""])
def test_a_token_no_header_can_carry_is_refused_in_one_line_without_it(standin: StandIn, pasted: str) -> None:
    """Sent as it was, httpx refused the header with the token in its words ("Illegal header value
    b'Bearer EAA…'"), and that was retried as "cannot reach Meta" and mailed to the owner."""
    with pytest.raises(SourceAuthError, match="secret meta_access_token") as refused:
        _source(standin, token=pasted).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    assert "standin" not in str(refused.value) and standin.meta_faults.calls == []


def test_a_next_link_back_to_a_page_already_read_stops_the_pull(standin: StandIn) -> None:
    standin.meta_faults.next_link_loops = True
    with pytest.raises(SourceError, match="leads back to a page already read"):
        _source(standin).pull("1001", LAST_WEEK - timedelta(weeks=15), LAST_WEEK + timedelta(days=6))
    # the first page was asked for by its parameters, not by a link: it is read twice, then no more
    assert sum(c.startswith("GET run insights") for c in standin.meta_faults.calls) == 3  # it was 1,001


def test_a_report_run_that_does_not_finish_is_given_up_after_ten_minutes_of_waiting(standin: StandIn) -> None:
    """Polled 120 times, a run that never finished held a pull for 57 minutes: past the scheduler's
    30-minute lease on the weekly run and a Lambda's 15."""
    standin.meta_faults.async_polls_before_done = 10_000
    source = _source(standin)
    with pytest.raises(SourceUnavailable, match="did not finish in 10 minutes"):
        source.pull("1001", LAST_WEEK - timedelta(weeks=15), LAST_WEEK + timedelta(days=6))
    assert 600 <= sum(source.waited) < 630
    # the ten minutes are for the whole pull: the org's next account gets no fresh ten
    with pytest.raises(SourceUnavailable, match="did not finish in 10 minutes"):
        source.pull("1002", LAST_WEEK - timedelta(weeks=15), LAST_WEEK + timedelta(days=6))
    assert sum(source.waited) < 630


def test_an_app_in_development_says_publish_it(standin: StandIn) -> None:
    standin.meta_faults.app_in_development = True
    with pytest.raises(SourcePermissionError, match="publish the Meta app"):
        _source(standin).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_an_error_answer_that_is_not_metas_is_no_last_page(standin: StandIn) -> None:
    """A review: page 3 of 5 answered 429 {"message": "Too Many Requests"} by a proxy was read as the last
    page; the rows after it were lost, the latest week with figures fell back to September, and that
    week's report was mailed. A 429 is tried again; any other 4xx stops the pull, naming its status."""
    source = _source(standin)
    whole = source.parse(source.pull("1001", LAST_WEEK - timedelta(weeks=3), LAST_WEEK + timedelta(days=6)))
    standin.meta_faults.calls.clear()
    standin.meta_faults.bare_errors = [429]
    source = _source(standin)
    pages = source.pull("1001", LAST_WEEK - timedelta(weeks=3), LAST_WEEK + timedelta(days=6))
    assert source.parse(pages) == whole and len(standin.meta_faults.calls) == len(pages) + 1
    standin.meta_faults.bare_errors = [403]
    with pytest.raises(SourceError, match="Meta answered 403 without saying why"):
        _source(standin).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_a_page_rate_limit_is_waited_out_and_a_usage_header_of_null_is_no_crash(standin: StandIn) -> None:
    """A review: Meta's code 32 (a page's rate limit) stopped the pull; a usage header of `null` raised."""
    standin.meta_faults.transient_errors, standin.meta_faults.transient_code = 1, 32
    standin.meta_faults.throttle_header = "null"
    source = _source(standin)
    assert len(source.parse(source.pull("1002", LAST_WEEK, LAST_WEEK + timedelta(days=6)))) == 2
    assert len(source.waited) == 1  # the rate limit's wait, and none for the header


def test_a_source_that_keeps_failing_gives_up_clearly(standin: StandIn) -> None:
    standin.meta_faults.transient_errors = 99
    with pytest.raises(SourceUnavailable, match="Meta kept failing"):
        _source(standin, attempts=3).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    assert len(standin.meta_faults.calls) == 3


@pytest.mark.parametrize("figure", [float("nan"), float("inf"), -float("inf")])
def test_an_answer_that_is_not_strict_json_is_refused_not_archived(standin: StandIn, figure: float) -> None:
    # Python's encoder writes a bare NaN or Infinity, which Python's json would read back
    standin.meta_faults.changed_fields = {"spend": figure}
    standin.meta_faults.loose_json = True
    with pytest.raises(
        SourceError, match=r"Meta answered 200 with a number firstmate cannot take \((-?Infinity|NaN) is"
    ):
        _source(standin).pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    assert len(standin.meta_faults.calls) == 1  # it would come the same way again: not asked again


def test_an_answer_cut_off_is_asked_for_again(standin: StandIn) -> None:
    standin.meta_faults.cut_off_answers = 2
    source = _source(standin)
    assert len(source.parse(source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6)))) == 4
    assert len(standin.meta_faults.calls) == 3


def test_a_rotated_token_is_used_on_the_next_call(standin: StandIn) -> None:
    current = {"token": "EAAG-old"}
    source = MetaAdsSource(standin.url, lambda: current["token"], sleep=lambda _: None)
    with pytest.raises(SourceAuthError):
        source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    current["token"] = META_TOKEN
    assert len(source.parse(source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6)))) == 4


def test_a_next_page_link_to_another_host_is_not_followed(standin: StandIn) -> None:
    standin.meta_faults.next_link_host = "collector.example.com"
    with pytest.raises(SourceError, match="next page link that is on neither"):
        _source(standin).pull("1001", LAST_WEEK - timedelta(weeks=3), LAST_WEEK + timedelta(days=6))
    assert len(standin.meta_faults.calls) == 1  # the first page only: the token went nowhere else


def test_behind_a_proxy_meta_s_own_next_links_are_still_followed() -> None:
    """FIRSTMATE_META_BASE_URL may name a proxy, while Meta builds its next links on its own host."""
    proxied = MetaAdsSource("http://proxy.example.com:8080", lambda: META_TOKEN)
    page = {"body": {"data": [], "paging": {"next": "https://graph.facebook.com/v21.0/act_1001/insights?after=x"}}}
    assert proxied._next_link(page) == page["body"]["paging"]["next"]  # type: ignore[index]
    elsewhere = {"body": {"paging": {"next": "https://graph.facebook.com.example.com/v21.0/x"}}}
    with pytest.raises(SourceError, match="not followed"):
        proxied._next_link(elsewhere)


@pytest.mark.parametrize(
    ("changed", "says"),
    [
        ({"spend": "NaN"}, "spend must be an amount from 0"),
        ({"spend": "-20.00"}, "spend must be an amount from 0"),
        ({"impressions": "-5"}, "must be from 0 to"),
        ({"date_start": "2026/11/09"}, "Invalid isoformat string"),
        ({"adset_id": None}, "an id must be text or a number"),
        ({"actions": "lead"}, "its actions are not a list of objects"),
    ],
)
def test_rows_in_a_shape_or_with_figures_firstmate_cannot_trust_are_a_source_error(
    standin: StandIn, changed: dict[str, object], says: str
) -> None:
    standin.meta_faults.changed_fields = changed
    source = _source(standin)
    pages = source.pull("1001", LAST_WEEK, LAST_WEEK + timedelta(days=6))
    with pytest.raises(SourceError, match=f"Meta answered ad-set row 1 of page 1 that firstmate cannot read: .*{says}"):
        source.parse(pages)


def test_an_ad_accounts_time_zone_is_the_one_meta_counts_its_days_in(standin: StandIn) -> None:
    """Meta's weeks are the ad account's days, in its own zone (`timezone_name`); one this machine does not
    know is as good as none said, and a refused token is refused here as in a pull."""
    assert _source(standin).timezone("1001") == "America/Los_Angeles"
    standin.meta_faults.account_timezone = "Pacific/Auckland"
    assert _source(standin).timezone("1002") == "Pacific/Auckland"
    standin.meta_faults.account_timezone = "Mars/Olympus_Mons"
    assert _source(standin).timezone("1001") is None
    with pytest.raises(SourceAuthError, match="renew the token"):
        _source(standin, token="EAAG-expired").timezone("1001")
