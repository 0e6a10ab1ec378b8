"""A running try's lease, renewed from a thread of its own while the try runs, so a slow one is not taken for
stopped."""

from __future__ import annotations

import threading
from dataclasses import replace
from types import TracebackType
from typing import Self

import structlog

from firstmate.domain.shared import iso
from firstmate.errors import ConditionFailed
from firstmate.ports import Clock, Item, Store, VersionIs
from firstmate.services.scheduler.claims import LEASE, same_try
from firstmate.services.scheduler.records import WAITS_FROM

log = structlog.get_logger(__name__)

#: How often a try renews its lease while it runs: a third of it, so two renewals may fail (the
#: store busy) before another scheduler takes the try for stopped.
RENEW_EVERY = LEASE / 3


class LeaseRenewal:
    """A running try's lease, renewed every RENEW_EVERY from a thread of its own until the try ends:
    a slow source (a report taking 40 minutes) had its last try taken for stopped and reported given
    up, and an earlier try run again beside itself. `item` is the run record as last written. The tries this process
    runs are known while they run (`running`): a worker stopping past its grace records them stopped."""

    _running: set[LeaseRenewal] = set()  # of this process, whatever its thread
    _lock = threading.Lock()

    def __init__(self, store: Store, clock: Clock, claimed: Item) -> None:
        self.item = claimed
        self.store, self.clock = store, clock
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease of {claimed.sk}", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        with LeaseRenewal._lock:
            LeaseRenewal._running.add(self)
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.ended()

    @classmethod
    def running(cls) -> list[LeaseRenewal]:
        """The leases of the tries this process is running now."""
        with cls._lock:
            return list(cls._running)

    def ended(self) -> Item:
        """Renew the lease no more; the run record as last written (its outcome, or a stop, goes on its version)."""
        with LeaseRenewal._lock:
            LeaseRenewal._running.discard(self)
        self._ended.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()  # a renewal under way is written before the outcome, which goes on its version
        return self.item

    def _renew(self) -> None:
        while not self._ended.wait(RENEW_EVERY.total_seconds()):
            try:
                if not self._renewed():
                    return  # taken for stopped meanwhile (a suspended process): the outcome is recorded over it
            except Exception:  # the store failing now: the next renewal, well inside the lease, tries again
                log.warning("job.lease_not_renewed", record=self.item.sk, exc_info=True)

    def _renewed(self) -> bool:
        """Renew the lease once; False when the record is no longer this try's."""
        renewed = replace(self.item, data={**self.item.data, WAITS_FROM: iso(self.clock.now())})
        try:
            self.item = self.store.put(renewed, VersionIs(self.item.version))
            return True
        except ConditionFailed:
            stored = self.store.get(self.item.pk, self.item.sk)  # a failure here is the loop's, tried again
            if stored is None or not same_try(stored, self.item):
                return False
            self.item = stored  # its lease counted again by another scheduler (`reanchored`): renewed next time
            return True
