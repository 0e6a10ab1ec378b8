"""What a lease guards is stored only while nobody took the lease since its holder did (`Held.transact`), on
each engine: a holder whose step outlived its lease, another taking it over meanwhile, stores nothing."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import cast

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.errors import ConditionFailed, LeaseHeld, LeaseLost
from firstmate.ports import Absent, Item, Put, Store
from firstmate.services import leases
from firstmate.services.context import Context

NAME, DOING = "role-reports#2026-11-21", "building these role reports"
REPORT = ("ORG#demo#ROLEREPORTS", "billing#2026-11-21")


def _ctx(store: Store, clock: FixedClock) -> Context:
    # no process to look at, as on AWS: a lease is told by its ttl alone
    no_process = SimpleNamespace(this_process=lambda: None, process_gone=lambda: None)
    return cast(Context, SimpleNamespace(store=store, clock=clock, **vars(no_process)))


def test_a_holder_taken_over_mid_step_stores_nothing_and_the_other_keeps_the_lease(
    store: Store, clock: FixedClock
) -> None:
    ctx = _ctx(store, clock)
    with leases.exclusive(ctx, "demo", NAME, doing=DOING) as first:
        clock.advance(leases.LEASE + timedelta(minutes=1))  # its step outlived the lease: another takes it over
        with leases.exclusive(ctx, "demo", NAME, doing=DOING) as second:
            with pytest.raises(LeaseLost, match="another took over: nothing more of it was stored"):
                first.transact([Put(Item(*REPORT, {"by": "first"}))])
            assert store.get(*REPORT) is None
            second.transact([Put(Item(*REPORT, {"by": "second"}))])
        with pytest.raises(LeaseLost):  # the other is done and gone: still not the first's to store
            first.transact([Put(Item(*REPORT, {"by": "first"}))])
    stored = store.get(*REPORT)
    assert stored is not None and stored.data == {"by": "second"}


def test_a_holder_stores_after_renewing_or_outliving_its_lease_with_nobody_taking_it(
    store: Store, clock: FixedClock
) -> None:
    ctx = _ctx(store, clock)
    with leases.exclusive(ctx, "demo", NAME, doing=DOING) as held:
        clock.advance(timedelta(minutes=6))
        held.confirm()  # more than half of it gone: renewed
        held.transact([Put(Item(*REPORT, {"n": 1}))])
        clock.advance(leases.LEASE + timedelta(minutes=1))  # ran out; nobody took it: still its own to store
        held.transact([Put(Item(*REPORT, {"n": 2}))])
        held.confirm()  # taken again
        another = leases.exclusive(ctx, "demo", NAME, doing=DOING, wait_s=0)
        with pytest.raises(LeaseHeld), another:  # and held: another gives up
            pass
        held.transact([Put(Item(*REPORT, {"n": 3}))])
    stored = store.get(*REPORT)
    assert stored is not None and stored.data == {"n": 3}


def test_a_guarded_write_whose_own_condition_fails_says_so_not_that_the_lease_was_lost(
    store: Store, clock: FixedClock
) -> None:
    ctx = _ctx(store, clock)
    store.put(Item(*REPORT, {"n": 0}))
    with leases.exclusive(ctx, "demo", NAME, doing=DOING) as held, pytest.raises(ConditionFailed) as failed:
        held.transact([Put(Item(*REPORT, {"n": 1}), Absent())])
    assert failed.value.index == 0 and not isinstance(failed.value, LeaseLost)
    stored = store.get(*REPORT)
    assert stored is not None and stored.data == {"n": 0}


def test_a_lease_looked_at_taken_before_the_clock_stepped_back_is_counted_from_the_look(
    store: Store, clock: FixedClock
) -> None:
    """A build killed mid-way had taken its turn an hour ahead (the clock then stepped back): a skip looking whether a
    build holds it (`holding`, without taking it) saw it held for the hour and ten minutes, as a waiter giving up on
    it does not (`exclusive` counts it again from then). Looked at, it is held ten minutes from the look at most."""
    ctx = _ctx(store, clock)
    clock.advance(timedelta(hours=1))
    dead = leases.exclusive(ctx, "demo", NAME, doing=DOING)
    dead.__enter__()  # never left: its process is gone
    clock.advance(-timedelta(hours=1))  # NTP stepped the clock back
    assert leases.holding(ctx, "demo", NAME) is not None
    clock.advance(leases.LEASE + timedelta(seconds=1))
    assert leases.holding(ctx, "demo", NAME) is None
