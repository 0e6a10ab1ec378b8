"""Where trips live: the keys of the org's space.

Keys (all in the org's space):
    ORG#<org>#INTAKE        <source>#<external_id>   → booking id (the idempotency anchor)
                            block@<source>#<uid>     → a blocked slot's fingerprint and calendar key
                                                       (block#<uid>: one recorded before slots were
                                                       kept per channel)
    ORG#<org>#BK#<booking>  BOOKING | EVENT | GUEST#<id>
    ORG#<org>#CAL           <start>#<booking>        → calendar entry (feeds read this)
    ORG#<org>#CALMETA       LONG-BLOCKS              → the live blocked slots longer than any trip
    ORG#<org>#ROSTER        PERSON#<id>              → rewritten whenever the person's trips may clash;
                                                       lists the trips they hold (see `crew_trips`)
    ORG#<org>#CHECKS        <calendar key>#<random>  → a calendar entry's double-booking check still owed
    GUESTCODE#<code>        CODE                     → org and booking of a guest page
"""

from __future__ import annotations

from datetime import datetime

from firstmate.domain.shared import iso


def intake_pk(org: str) -> str:
    """Partition of (source, external_id) → booking id anchors."""
    return f"ORG#{org}#INTAKE"


def booking_pk(org: str, booking_id: str) -> str:
    """Partition holding one booking and everything it fanned out to."""
    return f"ORG#{org}#BK#{booking_id}"


def calendar_pk(org: str) -> str:
    """Partition of the org's calendar entries, sorted by start."""
    return f"ORG#{org}#CAL"


def calendar_sk(start: datetime, booking_id: str) -> str:
    """Sort key of a calendar entry: by start time, then booking."""
    return f"{iso(start)}#{booking_id}"


def code_pk(code: str) -> str:
    """Where a guest page code points to its booking."""
    return f"GUESTCODE#{code}"
