"""What an import did, or, with errors, why it did nothing (`ImportReport`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from firstmate.domain.intake import RowError


@dataclass
class ImportReport:
    """What an import did (or, with errors, why it did nothing)."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    over: int = 0  # bookings created for a trip already over: their crew were not told
    under_way: int = 0  # bookings created for a trip that has left: no crew asked (none could take a role)
    double_booked: list[str] = field(default_factory=list)  # what else held a boat then, in words
    unchecked: list[str] = field(default_factory=list)  # rows whose clashes the store kept from being checked
    not_booked: list[str] = field(default_factory=list)  # records rightly left alone (a request), in words
    over_limit: list[str] = field(default_factory=list)  # bookings over their boat's passenger limit, in words
    #: another channel's booking under the reference of a booking a cancellation names, still sailing, in words
    same_reference: list[str] = field(default_factory=list)
    #: a change a row asked of a cancelled booking, which took none (a cancellation is final), in words with why
    refused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """What was done, in words: "2 created, 1 unchanged (1 trip(s) already over: crew not told)"."""
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items())) or "nothing to import"
        notes = [f"{self.over} trip(s) already over: crew not told"] if self.over else []
        if self.under_way:
            notes.append(f"{self.under_way} trip(s) under way: crew not asked")
        if self.double_booked:
            notes.append(f"{len(self.double_booked)} double booking(s), listed below")
        if self.unchecked:
            notes.append(f"{len(self.unchecked)} not checked for double bookings, listed below")
        if self.refused:
            notes.append(f"{len(self.refused)} change(s) to cancelled bookings not applied, listed below")
        if self.over_limit:
            notes.append(f"{len(self.over_limit)} over a boat's passenger limit, listed below")
        return done + (f" ({'; '.join(notes)})" if notes else "")

    @property
    def ok(self) -> bool:
        """True when every record was imported."""
        return not self.errors
