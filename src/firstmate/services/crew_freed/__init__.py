"""Crew not asked to crew a trip because they were on another at its time, asked once they are free.

A new trip's "Crew needed" goes to the active people qualified for its roles but those holding a role on another
live trip at its time (one trip at a time). Who was left out is kept beside the trip, and asked once a change frees
them; someone made crew is asked about the trips to come that did not ask them. The change that frees someone, or
makes them crew, writes in its own transaction a mark that asking them is owed (`crew_owed`); the asking drops it
once done, and the `fanouts` job finishes any a crash or a store failing left.

- `lists`: who a trip left out (`NOT_ASKED`) and who it asked by a mail listing it (`ASKED_IN`).
- `freed`: the crew a trip's change frees, asked to crew the trips that left them out (`ask_the_freed`).
- `joined`: someone made active, qualified or added, asked about the trips to come (`ask_the_joined`).
- `asking`: asking people made crew about one trip, and the one mail listing several trips.
- `followed`: a listing mail still waiting, withdrawn and listed anew as its trips change (`lists_followed`,
  `rest_followed`) and as their rosters do (`lists_taken`, `rest_taken`): the last role open to the person taken, a
  role given up, a role they take or leave at the time of trips it lists; `changes`: the change a list follows;
  `relisted`: one person's list withdrawn and asked anew.
- `asks`: a trip's own "Crew needed" still waiting, withdrawn as its roster leaves its reader no role, and asked
  again as a role given up offers one (`asks_taken`, `rest_asks_taken`).
- `moved`: a trip's own "Crew needed" still waiting, asked anew as its trip moves while someone holds a role on it
  (`asks_moved`, `rest_asks_moved`).
- `heard`: who knows of a trip only through a listing mail still waiting (`listed_only`): told of its change by
  that list alone; or through one being sent (`listed_or_going`): told of it only if that list went (`tied_to_lists`).
- `reopened`: who a roster change reaches that way beyond those whose list loses its trip.
- `said`: the lists a change follows, in words (`lists_in_words`: what a cancellation's dry run says of them).
- `backfill`: the lists given to trips booked before they were kept (`list_left_out`, the `sweep` job).
"""

from firstmate.services.crew_freed.asks import asks_reopened, asks_taken, rest_asks_taken
from firstmate.services.crew_freed.backfill import list_left_out_pending
from firstmate.services.crew_freed.followed import (
    lists_followed,
    lists_taken,
    rest_followed,
    rest_previewed,
    rest_taken,
)
from firstmate.services.crew_freed.freed import (
    ask_freed,
    ask_listed,
    ask_the_freed,
    freed_by,
    freed_previewed,
    moved_to_ask,
)
from firstmate.services.crew_freed.heard import held_until, listed_only, listed_or_going, tied_to_lists
from firstmate.services.crew_freed.joined import JoinedAsks, ask_joined, ask_the_joined, joined
from firstmate.services.crew_freed.lists import NOT_ASKED, not_asked, not_asked_held, not_asked_with, not_asked_write
from firstmate.services.crew_freed.moved import asks_moved, rest_asks_moved
from firstmate.services.crew_freed.said import lists_in_words

__all__ = [
    "NOT_ASKED",
    "JoinedAsks",
    "ask_freed",
    "ask_joined",
    "ask_listed",
    "ask_the_freed",
    "ask_the_joined",
    "asks_moved",
    "asks_reopened",
    "asks_taken",
    "freed_by",
    "freed_previewed",
    "held_until",
    "joined",
    "list_left_out_pending",
    "listed_only",
    "listed_or_going",
    "lists_followed",
    "lists_in_words",
    "lists_taken",
    "moved_to_ask",
    "not_asked",
    "not_asked_held",
    "not_asked_with",
    "not_asked_write",
    "rest_asks_moved",
    "rest_asks_taken",
    "rest_followed",
    "rest_previewed",
    "rest_taken",
    "tied_to_lists",
]
