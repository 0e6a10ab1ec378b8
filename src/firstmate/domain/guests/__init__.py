"""Guests of a trip: invited → on_hold (coming, waiver pending) → confirmed (waiver signed).

The lead guest (who booked) adds the others; each gets an invitation with their own page. A
waiver is signed against one exact version of the business's waiver text; minors need a guardian.

- `guest`: `Guest` as stored, its `GuestStatus`, its `WaiverSignature`s and why one was set aside (`SetAside`).
- `names`: what a name must be (`Name`), whether a name typed to sign is the one listed (`same_person`), its title
  not the listed one (`title_clash`) or as much another guest's (`names_another`), and the name a guest is asked
  to type (`name_to_sign`).
- `forms`: what a guest types: `NewGuest` (the lead adding someone) and `SigningForm`.
- `waivers`: a text's version, coming or not, signing, following the line's text, and why one signs again.
- `leads`: the lead following their booking (a typo fixed, or someone else), and a former lead's record.
- `group`: the id a guest added gets, one already in the group, and how many are at each status.
- `departure`: who the departure waits for, and an admin's reason to go without their waivers.
"""

from firstmate.domain.guests.departure import MAX_REASON, check_departure, departure_blockers, waiting_names
from firstmate.domain.guests.forms import NewGuest, SigningForm
from firstmate.domain.guests.group import already_in, guest_counts, next_guest_id
from firstmate.domain.guests.guest import Guest, GuestStatus, SetAside, WaiverSignature
from firstmate.domain.guests.leads import another_person, follow_lead, former_lead, someone_else
from firstmate.domain.guests.names import Name, same_person
from firstmate.domain.guests.waivers import (
    TEXT_CHANGED,
    confirm,
    follow_line,
    resign_note,
    sign,
    waiver_version,
    waiver_words,
    why_set_aside,
    withdraw,
)

__all__ = [
    "MAX_REASON",
    "TEXT_CHANGED",
    "Guest",
    "GuestStatus",
    "Name",
    "NewGuest",
    "SetAside",
    "SigningForm",
    "WaiverSignature",
    "already_in",
    "another_person",
    "check_departure",
    "confirm",
    "departure_blockers",
    "follow_lead",
    "follow_line",
    "former_lead",
    "guest_counts",
    "next_guest_id",
    "resign_note",
    "same_person",
    "sign",
    "someone_else",
    "waiting_names",
    "waiver_version",
    "waiver_words",
    "why_set_aside",
    "withdraw",
]
