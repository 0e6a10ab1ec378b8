"""A trip's waivers follow its business line: moved to the boat of another line (another brand, another legal text),
its guests' signatures of the old line's text are kept on record, and the departure waits for the new line's. A
signature of the same words (lines sharing a text word for word) stands."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from firstmate.domain import guests as rules
from firstmate.domain.guests import Guest, WaiverSignature, waiver_words
from firstmate.errors import ConditionFailed
from firstmate.ports import MAX_TRANSACTION_WRITES, Item, Put, Store, VersionIs, Write
from firstmate.services.business import org_pk
from firstmate.services.trips import booking_pk

#: readings in a row that moved no guest after which `follow_line` leaves the rest to its caller's next run
FOLLOW_TRIES = 5


def line_reader(store: Store, org: str) -> Callable[[WaiverSignature], str]:
    """The business line whose waiver text a signature of `org`'s signed: as it says, else (signed before signatures
    named it) as the record of its text says; each text's record read once."""
    return text_readers(store, org)[0]


def text_readers(store: Store, org: str) -> tuple[Callable[[WaiverSignature], str], Callable[[WaiverSignature], str]]:
    """For signatures of `org`'s: the business line whose text each signed (`line_reader`), and the words of that
    text (`guests.waiver_words`: "" for a text with no record, which no text matches); each text's record read
    once."""
    records: dict[str, dict[str, Any]] = {}

    def record(version: str) -> dict[str, Any]:
        if version not in records:
            item = store.get(org_pk(org), f"WAIVERTEXT#{version}")
            records[version] = dict(item.data) if item else {}
        return records[version]

    def line_of(signature: WaiverSignature) -> str:
        return signature.entity or str(record(signature.waiver_version).get("entity", ""))

    def words_of(signature: WaiverSignature) -> str:
        return waiver_words(str(record(signature.waiver_version).get("text", "")))

    return line_of, words_of


def lines_followed(
    store: Store, org: str, booking_id: str, text: str, guests: Sequence[Guest], writes: list[Write]
) -> tuple[list[Guest], list[Write]]:
    """`guests` once their trip is on a business line whose waiver is `text` (`guests.follow_line`), and the writes
    recording those that change, each on the condition that it is as read (a signature given meanwhile decides
    again). A guest `writes` already rewrites (the lead following the booking) is rewritten there, followed."""
    pk = booking_pk(org, booking_id)
    line_of, words_of = text_readers(store, org)
    words = waiver_words(text)
    followed = [rules.follow_line(g, words, line_of, words_of, why=rules.SetAside.MOVED) for g in guests]
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


def follow_line(store: Store, org: str, booking_id: str, text: str) -> int:
    """Make each guest of the booking follow its business line, whose waiver is `text` (`lines_followed`), a
    transaction at a time, reading again what changed meanwhile (a guest who signed or said they are coming): what a
    large group's change could not write with it. A conflicting transaction does not stop the others; it gives up
    only after `FOLLOW_TRIES` readings in a row that moved nobody. Idempotent; returns how many guests are left to
    follow (0 once all have), so that the caller keeps its marker until then."""
    from firstmate.services.bookings import list_guests  # it imports this module

    stuck = 0
    while True:
        guests = list_guests(store, org, booking_id)
        _, puts = lines_followed(store, org, booking_id, text, guests, [])
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
