"""The messages a booking change causes, and the other news of trips the operations manager and crew hear.

- `revision`: the messages one revision of a booking causes, as outbox writes for its own transaction.
- `audiences`: who a change is news to (the audiences, those shown nothing new, those still unheard).
- `booking_mail`: each audience's message of a revision: the operations manager's, a crew member's, a guest's.
- `invitations`: a guest's invitation aboard, worded for when it goes out.
- `crew_needed`: "Crew needed" asked after the booking, of one trip or of many in one mail.
- `double_bookings`: "Double booked!", a boat held twice at once.
"""

from firstmate.services.notifications.audiences import (
    CREW,
    EVERYONE,
    GUESTS,
    LEAD,
    OPS,
    OTHER_GUESTS,
    quiet_audiences,
    still_unheard,
)
from firstmate.services.notifications.booking_mail import guest_page_url
from firstmate.services.notifications.crew_needed import crew_needed_list_message, crew_needed_message
from firstmate.services.notifications.double_bookings import double_booking_lines, double_booking_message
from firstmate.services.notifications.invitations import invitation
from firstmate.services.notifications.revision import booking_messages, booking_notifications

__all__ = [
    "CREW",
    "EVERYONE",
    "GUESTS",
    "LEAD",
    "OPS",
    "OTHER_GUESTS",
    "booking_messages",
    "booking_notifications",
    "crew_needed_list_message",
    "crew_needed_message",
    "double_booking_lines",
    "double_booking_message",
    "guest_page_url",
    "invitation",
    "quiet_audiences",
    "still_unheard",
]
