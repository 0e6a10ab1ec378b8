"""The lead guest following their booking: a corrected name or address, or another person, and the record
kept of a lead who signed once the booking is handed to someone else."""

from __future__ import annotations

from datetime import datetime
from difflib import SequenceMatcher

from firstmate.domain.guests.guest import Guest, GuestStatus
from firstmate.domain.shared import first_word


def _same_name(name: str, *others: str) -> bool:
    """Whether `name` is one of `others`, whatever the case and spacing."""
    return " ".join(name.casefold().split()) in {" ".join(o.casefold().split()) for o in others}


def follow_lead(lead: Guest, name: str, email: str) -> Guest:
    """The lead guest after their booking names its lead `name` <`email`>. A corrected name or address
    is taken as it is (the channel fixed a typo); both changed is another person, who starts afresh:
    invited, no waiver (the earlier lead's signature is not theirs). The booking's own changes never
    reached the lead's record: mail went on to a mistyped address, and a new lead's page greeted the
    old one, whose waiver counted for them."""
    if another_person(lead, name, email):
        update = {"name": name, "email": email, "status": GuestStatus.INVITED, "waiver": None, "earlier": ()}
        return lead.model_copy(update=update)
    return lead.model_copy(update={"name": name, "email": email})


def former_lead(lead: Guest, guest_id: str, at: datetime) -> Guest | None:
    """The record kept of `lead`, who signed, once the booking is handed to someone else at `at`: their signatures
    stay the operator's record (an insurer asks who signed), under `guest_id`, out of the group: no page, nothing
    of the group's own. None when they never signed: nothing of theirs needs keeping."""
    if not lead.ever_signed:
        return None
    update = {"id": guest_id, "lead": False, "code": None, "merged": (), "removed": (), "removed_names": {},
              "former": (), "left_at": at}  # fmt: skip
    return lead.model_copy(update=update)


def another_person(lead: Guest, name: str, email: str) -> bool:
    """Whether `name` <`email`> is someone else than the lead guest: both differ, or the name does at the
    same address, past a correction (a family's shared inbox holds several people: "Dana Whitcomb" to
    "Sam Whitcomb" kept Dana's waiver, signed in her name, for Sam). One differing alone is a typo fixed."""
    return someone_else(lead.name, lead.email, name, email)


def someone_else(was_name: str, was_email: str | None, name: str, email: str) -> bool:
    """Whether `name` <`email`> is someone else than `was_name` <`was_email`> (`another_person`)."""
    if _same_name(was_name, name):
        return False
    return (was_email or "").lower() != email.lower() or not _corrected(was_name, name)


def _corrected(before: str, after: str) -> bool:
    """Whether the name `after` may be `before` corrected (a typo, an accent, an initial, a surname), by
    their first names: alike ("Jon", "John"), or one the other's initial ("D.", "Dana"). A name written
    "Whitcomb, Dana" is Dana's (`first_word`): taken for "Whitcomb", it was someone else, who lost her waiver."""
    first, second = (first_word(n).casefold().strip().rstrip(".") for n in (before, after))
    if not first or not second:
        return True
    if min(len(first), len(second)) == 1:
        return first[0] == second[0]
    return SequenceMatcher(None, first, second).ratio() >= 0.75
