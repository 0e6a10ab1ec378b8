"""A trip's waivers follow its business line: moved to the boat of another line (another brand, another legal text),
its guests' signatures of the old line's text are kept on record, and the departure waits for the new line's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from firstmate.domain import guests as rules
from firstmate.domain.guests import Guest, WaiverSignature
from firstmate.errors import ConditionFailed
from firstmate.ports import MAX_TRANSACTION_WRITES, Item, Put, Store, VersionIs, Write
from firstmate.services.business import org_pk
from firstmate.services.trips import booking_pk

#: readings in a row that moved no guest after which `follow_line` leaves the rest to its caller's next run
FOLLOW_TRIES = 5


def line_reader(store: Store, org: str) -> Callable[[WaiverSignature], str]:
    """The business line whose waiver text a signature of `org`'s signed: as it says, else (signed before signatures
    named it) as the record of its text says; each text's record read once."""
    read: dict[str, str] = {}

    def line_of(signature: WaiverSignature) -> str:
        if signature.entity:
            return signature.entity
        if signature.waiver_version not in read:
            item = store.get(org_pk(org), f"WAIVERTEXT#{signature.waiver_version}")
            read[signature.waiver_version] = str(item.data.get("entity", "")) if item else ""
        return read[signature.waiver_version]

    return line_of


def lines_followed(
    store: Store, org: str, booking_id: str, line: str, guests: Sequence[Guest], writes: list[Write]
) -> tuple[list[Guest], list[Write]]:
    """`guests` once their trip is on business line `line` (`guests.follow_line`), and the writes recording those
    that change, each on the condition that it is as read (a signature given meanwhile decides again). A guest
    `writes` already rewrites (the lead following the booking) is rewritten there, followed."""
    pk = booking_pk(org, booking_id)
    line_of = line_reader(store, org)
    followed = [rules.follow_line(g, line, line_of) for g in guests]
    changed = {f.id: f for g, f in zip(guests, followed, strict=True) if f != g}
    if not changed:
        return followed, []
    for at, write in enumerate(writes):
        if isinstance(write, Put) and write.item.pk == pk and write.item.sk.removeprefix("GUEST#") in changed:
            guest = changed.pop(write.item.sk.removeprefix("GUEST#"))
            writes[at] = Put(Item(pk, write.item.sk, guest.model_dump(mode="json")), write.condition)
    items = {i.sk: i for i in store.query(pk, "GUEST#", limit=200).items} if changed else {}
    puts: list[Write] = []
    for guest in changed.values():
        item = items.get(f"GUEST#{guest.id}")
        if item is not None:
            puts.append(Put(Item(pk, item.sk, guest.model_dump(mode="json")), VersionIs(item.version)))
    return followed, puts


def follow_line(store: Store, org: str, booking_id: str, line: str) -> int:
    """Make each guest of the booking follow its business line `line` (`lines_followed`), a transaction at a time,
    reading again what changed meanwhile (a guest who signed or said they are coming): what a large group's change
    could not write with it. A conflicting transaction does not stop the others; it gives up only after
    `FOLLOW_TRIES` readings in a row that moved nobody. Idempotent; returns how many guests are left to follow (0
    once all have), so that the caller keeps its marker until then."""
    from firstmate.services.bookings import list_guests  # it imports this module

    stuck = 0
    while True:
        guests = list_guests(store, org, booking_id)
        _, puts = lines_followed(store, org, booking_id, line, guests, [])
        if not puts or stuck >= FOLLOW_TRIES:
            return len(puts)
        moved = 0
        for at in range(0, len(puts), MAX_TRANSACTION_WRITES):
            try:
                store.transact(puts[at : at + MAX_TRANSACTION_WRITES])
                moved += len(puts[at : at + MAX_TRANSACTION_WRITES])
            except ConditionFailed:
                continue  # a guest of it changed meanwhile: read again after the others
        stuck = 0 if moved else stuck + 1
