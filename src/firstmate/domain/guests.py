"""Guests of a trip: invited → on_hold (coming, waiver pending) → confirmed (waiver signed).

The lead guest (who booked) adds the others; each gets an invitation with their own page. A
waiver is signed against one exact version of the business's waiver text; minors need a guardian.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from firstmate.domain.mail import check_address
from firstmate.domain.shared import first_word


class GuestStatus(StrEnum):
    """Where a guest is on the way aboard."""

    INVITED = "invited"
    ON_HOLD = "on_hold"
    CONFIRMED = "confirmed"


class SetAside(StrEnum):
    """Why a signature was set aside (kept in `Guest.earlier`): what the guest is told when asked to sign again."""

    MOVED = "moved"  # the trip moved to another line's boat, whose waiver has other words
    TEXT_CHANGED = "text_changed"  # the waiver text of the trip's line changed (`org import`)


class WaiverSignature(BaseModel):
    """Proof of one signature: which text, who typed what, when, from where."""

    model_config = ConfigDict(frozen=True)

    waiver_version: str
    #: the business line whose text was signed (None: signed before it was kept; the text's record names it)
    entity: str | None = None
    typed_name: str
    guardian_name: str | None = None
    signed_at: datetime
    ip: str
    user_agent: str
    #: why it was set aside, in `Guest.earlier` (None: the one asked now, or set aside before the reason was kept:
    #: `why_set_aside` reads it by its line)
    set_aside: SetAside | None = None


class Guest(BaseModel):
    """One person coming on a trip."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    email: str | None = None
    lead: bool = False
    minor: bool = False
    status: GuestStatus = GuestStatus.INVITED
    code: str | None = None  # the guest's own page code (the lead uses the booking's)
    waiver: WaiverSignature | None = None
    #: signatures of texts the trip no longer asks for (it moved to another line's boat, or its line's text changed):
    #: kept on record, oldest first, but boarding asks for the text its line uses now (`follow_line`)
    earlier: tuple[WaiverSignature, ...] = ()
    added_at: datetime
    #: the ids of guests merged into this one (a booking handed to someone in its group): never given again
    merged: tuple[str, ...] = ()
    #: on the lead's record, the ids of guests the lead removed from the group: never given again either
    removed: tuple[str, ...] = ()
    #: on the lead's record, the name of each guest removed, by id: a note still waiting to tell them they are off
    #: is withdrawn when they are added again, not when someone else is added at their (a family's) address
    removed_names: dict[str, str] = Field(default_factory=dict)
    #: on the lead's record, the ids under which earlier leads who had signed are kept (`FORMER#<id>`): the booking
    #: was handed to someone else; never given again
    former: tuple[str, ...] = ()
    #: on a former lead's record: when the booking was handed to someone else. Kept for their signatures (the
    #: operator's record), out of the group: their waiver does not count for the departure
    left_at: datetime | None = None
    #: on the lead's record: when the booking was handed to them from another lead (None: the lead since it was
    #: booked). Photos their id shared until then are the earlier lead's, not theirs
    lead_since: datetime | None = None

    @property
    def first_name(self) -> str:
        """How the guest page greets them."""
        return first_word(self.name)

    @property
    def ever_signed(self) -> bool:
        """Whether they signed a waiver of this trip, its line's now or one it was on before: the operator's record."""
        return self.waiver is not None or bool(self.earlier)

    @property
    def signs_as_listed(self) -> bool:
        """Whether their waiver is signed in their name as the group lists it: unless the signing form could not
        take that name typed (a lead's, from a booking, may be "J" or "李"), when any full name they type is."""
        try:
            _TYPED.validate_python(self.name.strip())
        except ValidationError:
            return False
        return True


def _seen(value: str) -> str:
    """A name a reader can see: at least one letter and two visible characters. Zero-width spaces and
    direction marks passed the length rule, and a waiver was signed with a name that showed as nothing."""
    shown = [c for c in value if unicodedata.category(c)[0] in "LNPS"]
    if len(shown) < 2 or not any(unicodedata.category(c)[0] == "L" for c in shown):
        raise ValueError("write a name with letters a reader can see")
    return value


def _plain(value: str) -> str:
    """A name that reads as it is written: no control character (C0 or C1), line or paragraph separator, nor the
    direction embeddings, overrides and isolates that reorder what follows ("Ana\u202eexe.live" was listed on the
    operator's page and in `waivers list` as "Anaevil.exe"). Right-to-left letters need none of them."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _DIRECTION_CONTROLS:
            raise ValueError("write the name without control characters (direction overrides, line breaks)")
    return value


_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
Name = Annotated[
    str,
    Field(min_length=2, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$"),
    AfterValidator(_plain),
    AfterValidator(_seen),
]
_TYPED: TypeAdapter[str] = TypeAdapter(Name)


class NewGuest(BaseModel):
    """What the lead guest types to add someone."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: Name
    email: str | None = Field(default=None, max_length=200)
    minor: bool = False

    def checked_email(self) -> str | None:
        """The email, lower-cased, or None; raises ValueError for a malformed one."""
        return check_address(self.email).lower() if self.email else None


class SigningForm(BaseModel):
    """What a guest submits to sign the waiver."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    typed_name: Name
    agree: bool
    guardian_name: Name | None = None
    waiver_version: str = Field(min_length=8, max_length=64)


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
) -> Guest:
    """The guest after signing; raises ValueError saying what is missing or out of date."""
    if not form.agree:
        raise ValueError("tick the box to agree to the waiver")
    if form.waiver_version != current_version:
        raise ValueError("the waiver text changed while you were reading it; read it again and sign")
    if guest.minor and not form.guardian_name:
        raise ValueError("a parent or guardian must sign for a guest under 18: add their name")
    if guest.minor and form.guardian_name and same_person(form.guardian_name, guest.name):
        # the guest's own name as the guardian's is the minor signing alone
        raise ValueError("a parent or guardian must sign for a guest under 18: add their own name, not the guest's")
    if guest.minor and form.guardian_name and same_person(form.guardian_name, form.typed_name):
        # one name twice: the minor signing alone, or a parent who typed theirs where the guest's goes
        raise ValueError("a parent or guardian signs for a guest under 18: type the guest's name first, then yours")
    if guest.signs_as_listed and not same_person(form.typed_name, guest.name):  # the lead signed any guest's, as anyone
        if guest.minor:
            raise ValueError(f"type the name of the guest under 18 as the group lists it, {guest.name}, then yours")
        raise ValueError(f"type your full name as the group lists it: {guest.name}")
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


def same_person(typed: str, listed: str) -> bool:
    """Whether a name typed to sign is the name the group lists: the same letters whatever the case, accents,
    punctuation and spacing ("dana  whitcombe" is not "Dana Whitcomb"; "DANA WHITCÖMB", "Whitcomb, Dana"
    and "O Brien" for "O'Brien" are), its words in any order."""
    words = [_letters(typed), _letters(listed)]
    return sorted(words[0]) == sorted(words[1]) or "".join(words[0]) == "".join(words[1])


#: Letters whose mark is drawn into them, which Unicode does not take apart as it does an accent, as a keyboard
#: without them writes them: "Soren" was refused for Søren, and "Lukasz" for Łukasz, where "Sorén" was taken.
_DRAWN_MARKS = str.maketrans({"ø": "o", "ł": "l", "ı": "i", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ȷ": "j",
                              "æ": "ae", "œ": "oe", "þ": "th"})  # fmt: skip


def _letters(name: str) -> list[str]:
    """The words of `name`, folded: lower case, no accents (a letter's marks dropped, those drawn into it too:
    ø is o), punctuation a space."""
    folded = []
    for c in unicodedata.normalize("NFKD", name.casefold()).translate(_DRAWN_MARKS):
        kind = unicodedata.category(c)[0]
        folded.append(c if kind in "LN" else "" if kind == "M" else " ")
    return "".join(folded).split()


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


def next_guest_id(guests: Iterable[Guest]) -> str:
    """The id a guest added to this group gets: one no guest had, merged ones too (their messages keep
    their id: given again, a new guest's invitation met the merged one's, and could never be added), and
    former leads' (their signatures are kept under theirs)."""
    taken = [int(i.removeprefix("g")) for g in guests for i in (g.id, *g.merged, *g.removed, *g.former)]
    return f"g{max(taken, default=0) + 1}"


def already_in(guests: Iterable[Guest], name: str, email: str | None) -> Guest | None:
    """The guest of the group this one is: the same name and the same address, or none (a family may
    share an address, and two people a name; both the same is one entry sent twice)."""
    for guest in guests:
        if guest.name.casefold().split() == name.casefold().split() and (guest.email or "") == (email or "").lower():
            return guest
    return None


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


def guest_counts(guests: list[Guest]) -> dict[str, int]:
    """How many guests are at each status (for the captain)."""
    counts = Counter(g.status.value for g in guests)
    return {status.value: counts.get(status.value, 0) for status in GuestStatus}


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
