"""The departure and the guests' waivers: who it waits for, and an admin's reason to go without them."""

from __future__ import annotations

from firstmate.domain.guests.guest import Guest, GuestStatus


def departure_blockers(guests: list[Guest]) -> list[Guest]:
    """Guests who said they are coming but have not signed: the departure checklist waits for them."""
    return [g for g in guests if g.status is GuestStatus.ON_HOLD]


#: The longest reason an admin may give to depart without every waiver (the form's limit too).
MAX_REASON = 200


def waiting_names(guests: list[Guest]) -> str:
    """Who the departure waits for (`departure_blockers`), as the crew are told: "Dana Whitcomb, Robin Sample"."""
    return ", ".join(g.name for g in departure_blockers(guests))


def check_departure(
    guests: list[Guest], *, override_reason: str | None = None, by_admin: bool = False, shown: str | None = None
) -> str | None:
    """Whether the departure phase may complete: raises ValueError naming who has not signed,
    unless an admin overrides with a reason, which is returned so it can be recorded. `shown`: who the
    admin's page said it waits for (`waiting_names`); a reason given for them covers nobody else."""
    if not departure_blockers(guests):
        return None
    names = waiting_names(guests)
    if not by_admin:
        raise ValueError(f"waiting for the waiver of {names}; an admin may override with a reason")
    if not override_reason or len(override_reason.strip()) < 5:
        raise ValueError(f"say why departure goes ahead without the waiver of {names}")
    if shown is not None and shown != names:  # the reason was given for others than it would cover
        raise ValueError(f"who has not signed changed since you opened the trip: now {names}; say why again for them")
    return f"departed without the waiver of {names}: {override_reason.strip()}"
