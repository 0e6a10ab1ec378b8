"""Priya's "Crew needed on 5 trips" caught in flight, for the crew lists' tests: the dispatcher picks it up and, as
the relay (SMTP) takes it, one of its trips changes; the relay then sends it, times out, or the process stops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry
from firstmate.errors import TransientDeliveryError
from firstmate.services import outbox
from tests.conftest import send_due
from tests.web.test_crew_freed import inactive_priya_and_trips, made_crew_by_an_import


class Stopped(BaseException):
    """The dispatcher's process killed as the relay takes the list."""


def timed_out() -> TransientDeliveryError:
    """The relay's answer to a send that fails: it cannot be reached."""
    return TransientDeliveryError("cannot reach the SMTP server: timed out")


def priya_and_her_list(app: App) -> list[str]:
    """Priya inactive while Sea Lark is booked Sat 13 to Wed 17 Jun (her trips), the bookings' mails sent to the rest
    of the crew; then an import makes her crew, and her one "Crew needed on 5 trips" waits in the outbox."""
    trips = inactive_priya_and_trips(app, range(13, 18))
    send_due(app)  # the bookings' own mails
    made_crew_by_an_import(app)
    return trips


class Relay:
    """The app's mailer, but as it takes a "Crew needed" of Priya's (with `first_only`, her first list alone, not one
    in its place) `meanwhile` happens, and then, with `fails`, the send raises what it makes."""

    def __init__(
        self,
        app: App,
        meanwhile: Callable[[], None],
        *,
        fails: Callable[[], BaseException] | None = None,
        first_only: bool = False,
    ) -> None:
        self.app, self.meanwhile, self.fails, self.first_only = app, meanwhile, fails, first_only

    def send(self, message: OutgoingMessage, recipients: tuple[str, ...] | None = None) -> str:
        key = message.idempotency_key
        if key.startswith("crew-asked:priya:") and (key.count(":") == 2 or not self.first_only):
            self.meanwhile()
            if self.fails is not None:
                raise self.fails()
        return self.app.mailer.send(message, recipients)


def dispatch(app: App, clock: FixedClock, relay: Relay) -> None:
    """One pass of the dispatcher, its relay `relay`."""
    outbox.dispatch_outbox(app.store, relay, clock, app.retry_policy, keys=app.signing_keys)


def all_sent_an_hour_on(app: App, clock: FixedClock) -> None:
    """An hour on (the relay is back, past any wait or lease), all that is due is sent, and what that queued too."""
    clock.advance(timedelta(hours=1))
    send_due(app)
    send_due(app)


def her_first_list(app: App) -> OutboxEntry:
    """The outbox entry of Priya's first "Crew needed on 5 trips" (not one queued in its place)."""
    [listed] = [e for e in outbox.list_entries(app.store, "demo", limit=None) if e.key.count(":") == 2 and
                e.key.startswith("crew-asked:priya:")]  # fmt: skip
    return listed
