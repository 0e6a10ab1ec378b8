"""One holder at a time (`leases.exclusive`) when the machine's clock steps back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.errors import StoreUnavailable
from firstmate.services import leases

NAME, DOING = "weekly#2026-11-16", "storing this weekly report"


def _store_report(app: App) -> None:
    with leases.exclusive(app, "demo", NAME, doing=DOING):
        pass


def test_a_dead_holders_lease_taken_before_the_clock_stepped_back_lasts_its_length_from_a_waiter_giving_up(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report build killed while it held the lease, then NTP steps the clock back an hour: every build
    stopped with "another process is storing this weekly report" for 1 h 10. Now one goes through the
    lease's 10 minutes after the first build that gave up."""
    monkeypatch.setattr(leases, "WAIT_S", 0.2)
    killed = leases.exclusive(app, "demo", NAME, doing=DOING)
    killed.__enter__()  # its holder killed: never released
    clock.set(clock.now() - timedelta(hours=1))
    with pytest.raises(StoreUnavailable, match="another process is storing this weekly report"):
        _store_report(app)
    clock.advance(leases.LEASE - timedelta(seconds=1))
    with pytest.raises(StoreUnavailable):  # a holder still alive keeps its whole lease
        _store_report(app)
    clock.advance(timedelta(seconds=1))
    _store_report(app)


def test_a_holder_whose_lease_ran_out_with_nobody_taking_it_takes_it_again_and_goes_on(
    app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step longer than the lease (a store slowed to a crawl) left it to run out: with nobody building
    meanwhile, the build stopped all the same, saying "another took over"."""
    with leases.exclusive(app, "demo", NAME, doing=DOING) as held:
        clock.advance(leases.LEASE + timedelta(minutes=1))
        held.confirm()  # nobody took it: it is this build's again
        monkeypatch.setattr(leases, "WAIT_S", 0.1)
        with pytest.raises(StoreUnavailable, match="another process is storing this weekly report"):
            _store_report(app)


def test_a_holder_whose_lease_another_took_and_released_meanwhile_stores_nothing_more(
    app: App, clock: FixedClock
) -> None:
    with leases.exclusive(app, "demo", NAME, doing=DOING) as held:
        clock.advance(leases.LEASE + timedelta(minutes=1))
        _store_report(app)  # another build came and went while this one's lease had run out
        with pytest.raises(StoreUnavailable, match="another took over: nothing more of it was stored"):
            held.confirm()
