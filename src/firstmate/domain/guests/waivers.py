"""Signing a waiver: its text's version, saying one is coming (or not), the signature itself, and a trip
following its line's text (moved to another line's boat, or the text changed), and why one signs again."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

from firstmate.domain.guests.forms import SigningForm
from firstmate.domain.guests.guest import Guest, GuestStatus, SetAside, WaiverSignature
from firstmate.domain.guests.names import (
    guardian_is_guest,
    guardians_example,
    names_another,
    only_the_booking_gives,
    same_person,
    title_clash,
)


def waiver_version(text: str) -> str:
    """The version of a waiver text: a digest of its exact words."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def confirm(guest: Guest) -> Guest:
    """The guest says they are coming: on hold until the waiver is signed (ready to board at once with the
    signature they gave before saying they could not come after all)."""
    if guest.status is GuestStatus.INVITED:
        return guest.model_copy(update={"status": GuestStatus.CONFIRMED if guest.waiver else GuestStatus.ON_HOLD})
    return guest


def withdraw(guest: Guest) -> Guest:
    """The guest cannot come after all: invited again, no longer among those the departure waits for (a
    no-show's "I'm coming" held it until an admin gave a reason). A signature given is kept."""
    if guest.status is GuestStatus.INVITED:
        return guest
    return guest.model_copy(update={"status": GuestStatus.INVITED})


def sign(
    guest: Guest,
    form: SigningForm,
    current_version: str,
    *,
    at: datetime,
    ip: str,
    user_agent: str,
    entity: str | None = None,
    others: Sequence[str] = (),
) -> Guest:
    """The guest after signing; raises ValueError saying what is missing or out of date, or what is wrong with the
    name typed (`others`: the names of the rest of the group, as listed)."""
    if not form.agree:
        raise ValueError("tick the box to agree to the waiver")
    if form.waiver_version != current_version:
        raise ValueError("the waiver text changed while you were reading it; read it again and sign")
    if guest.minor and not form.guardian_name:
        raise ValueError("a parent or guardian must sign for a guest under 18: add their name")
    if guest.minor and form.guardian_name and guardian_is_guest(form.guardian_name, guest.name):
        # the guest's own name as the guardian's is the minor signing alone; a parent sharing it is told how to differ
        raise ValueError(
            "a parent or guardian must sign for a guest under 18: add their own name, not the guest's; "
            + guardians_example(guest.name)
        )
    if guest.minor and form.guardian_name and guardian_is_guest(form.guardian_name, form.typed_name, listed=guest.name):
        # one name twice: the minor signing alone, or a parent who typed theirs where the guest's goes
        raise ValueError("a parent or guardian signs for a guest under 18: type the guest's name first, then yours")
    problem = _name_problem(guest, form.typed_name, others)
    if problem:
        raise ValueError(problem)
    signature = WaiverSignature(
        waiver_version=current_version,
        entity=entity,
        typed_name=form.typed_name,
        guardian_name=form.guardian_name if guest.minor else None,
        signed_at=at,
        ip=ip,
        user_agent=user_agent[:300],
    )
    return guest.model_copy(update={"status": GuestStatus.CONFIRMED, "waiver": signature})


def _name_problem(guest: Guest, typed: str, others: Sequence[str]) -> str | None:
    """What is wrong with `typed` as the name signing `guest`'s waiver, in the guest's words; None if nothing is."""
    if not guest.signs_as_listed:  # a lead listed "J" signs in any full name, but not in another guest's
        if any(same_person(typed, other) for other in others):
            return "that is the name of another guest of your group: type your own full name"
        if only_the_booking_gives(typed, guest.name):  # "VIP" for "李 (VIP)": a note, not a name
            whose = "the guest under 18's" if guest.minor else "your own"
            return f"type {whose} full name: the booking gives only {' '.join(guest.name.split())}"
        return None
    listed = guest.name_to_sign  # without a channel's note: the name typed plain signs
    clash = title_clash(typed, guest.name)
    if clash and guest.minor:
        return f"the group lists the guest under 18 as {listed}: type their name with {clash[1]} or no title, not " \
            f"{clash[0]}, then yours"  # fmt: skip
    if clash:
        return f"the group lists you as {listed}: type your name with {clash[1]} or no title, not {clash[0]}"
    if not same_person(typed, guest.name):  # the lead signed any guest's, as anyone
        if guest.minor:
            return f"type the name of the guest under 18 as the group lists it, {listed}, then yours"
        return f"type your full name as the group lists it: {listed}"
    if names_another(typed, guest.name, others):  # "Dana Whitcomb" for "Dr. Dana Whitcomb", beside a Dana Whitcomb
        if guest.minor:
            return (
                "another guest of the group goes by that name too: type the name of the guest under 18 exactly as "
                f"the group lists it, {listed}, then yours"
            )
        return f"another guest of your group goes by that name too: type yours exactly as the group lists it: {listed}"
    return None


def waiver_words(text: str) -> str:
    """The words of a waiver text, its spacing and line breaks aside: two texts that differ only there are one text
    to sign (a line wrapped again in the org file asks nobody to sign again)."""
    return " ".join(text.split())


def follow_line(
    guest: Guest,
    words: str,
    line_of: Callable[[WaiverSignature], str],
    words_of: Callable[[WaiverSignature], str],
    *,
    why: SetAside,
) -> Guest:
    """The guest once their trip asks for the waiver text whose words are `words` (`waiver_words`): its business
    line's now, after a move to another line's boat or a new version of the line's text. A signature stands when
    the text it signed has those words (`words_of`), whichever line's it was (lines sharing a text word for word).
    One of other words (another brand's legal text, or the line's text before it changed) is kept on record, in
    `earlier`, its line named (`line_of`) and `why` it was set aside, but is not the one asked: a guest it made ready
    to board is coming again, waiver pending. One they gave before of those words (the trip moved back, the text
    changed back) is theirs again."""
    signature = guest.waiver
    if signature is not None and words_of(signature) == words:
        return guest
    again = next((s for s in reversed(guest.earlier) if words_of(s) == words), None)
    if signature is None and again is None:
        return guest
    earlier = [s for s in guest.earlier if s is not again]
    if signature is not None:
        earlier.append(signature.model_copy(update={"entity": line_of(signature), "set_aside": why}))
    if again is not None:
        again = again.model_copy(update={"set_aside": None})  # the one asked again
    status = guest.status
    if again is None and status is GuestStatus.CONFIRMED:
        status = GuestStatus.ON_HOLD  # coming, and the departure waits for the signature of these words
    elif again is not None and status is GuestStatus.ON_HOLD:
        status = GuestStatus.CONFIRMED
    return guest.model_copy(update={"waiver": again, "earlier": tuple(earlier), "status": status})


#: What a guest asked to sign a line's new waiver text reads on their page and in the mail telling them.
TEXT_CHANGED = "The waiver changed since you signed it; please sign the new text"


def resign_note(guest: Guest, line: str, line_name: str, version: str) -> str:
    """Why `guest` is asked to sign again, when their signature for this trip is of another text than the one of
    `line` (named `line_name`, its text's version `version`), the trip's now: the trip moved to another line's boat,
    or the line's text changed since they signed it; "" otherwise."""
    if guest.waiver is not None or not guest.earlier:
        return ""
    last = guest.earlier[-1]
    if why_set_aside(last, line) is SetAside.TEXT_CHANGED:
        return "" if last.waiver_version == version else TEXT_CHANGED
    return f"The trip moved to {line_name}'s boat: its waiver is a different text; please sign it"


def why_set_aside(signature: WaiverSignature, line: str) -> SetAside:
    """Why `signature`, of `earlier`, was set aside, its trip on business line `line` now: as recorded; for one set
    aside before the reason was kept, by the line it signed for: the trip's own line's text changed, another's
    moved (a trip moved between lines of the same words, then the new line's text changed, reads as moved)."""
    if signature.set_aside is not None:
        return signature.set_aside
    return SetAside.TEXT_CHANGED if signature.entity == line else SetAside.MOVED
