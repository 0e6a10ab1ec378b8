"""The typed errors of firstmate, mapped once to HTTP status codes and CLI exit codes.

Every error says what went wrong and what to do next, in one line a user can act on.

    FirstmateError                    base; never raised itself
     ├── UserError                    the caller's input is wrong (HTTP 400, exit 2)
     │    ├── InvalidInput            a value fails validation (HTTP 422)
     │    │    ├── DataRejected       rows of a data import are wrong: every problem, where
     │    │    └── WeekNotOver        the week asked for has not ended in an ad account's zone yet
     │    ├── NotFound                no such thing for this caller (HTTP 404)
     │    │    └── NoFigures          the sources have no figures for the week asked for
     │    ├── Conflict                the thing exists or changed meanwhile (HTTP 409)
     │    ├── Unauthorized            missing, bad or revoked credentials (HTTP 401)
     │    ├── Forbidden               signed in, but not allowed to do this (HTTP 403)
     │    ├── PayloadTooLarge         the body is over the limit (HTTP 413)
     │    └── RateLimited             too many requests; retry later (HTTP 429)
     ├── ConfigError                  settings are missing or contradictory (exit 3)
     ├── OutOfTime                    a job stopped before a step it no longer had the time to finish
     ├── SentAlready                  a scheduled run's week was sent to everyone by another run already
     ├── FeedbackTooEarly             a mail system's word on a message whose send is not recorded yet
     ├── StoreError                   the store refused an operation
     │    ├── ConditionFailed         a conditional write's condition did not hold
     │    └── StoreUnavailable        the store is busy or unreachable (HTTP 503)
     │         ├── LeaseHeld          another process holds the lease asked for: wait, or try again later
     │         │    └── BuildUnderWay another run is building the week asked for, and sends it
     │         └── LeaseLost          a holder's lease was taken over: nothing more of its work is stored
     ├── BlobError                    the blob store refused an operation
     │    └── BlobNotFound            no blob under that key
     ├── SourceError                  an outside data source (Meta, HubSpot) refused or failed
     │    ├── SourceAuthError         the token is expired or invalid: renew it
     │    ├── SourcePermissionError   the app lacks a permission or is not live
     │    └── SourceUnavailable       still failing after retries: try again later
     └── DeliveryError                a message could not be delivered
          ├── TransientDeliveryError  worth retrying later (server down, 4xx SMTP reply)
          ├── PermanentDeliveryError  retrying will not help (bad address, 5xx SMTP reply)
          └── PartialDeliveryError    sent to some recipients, refused for the others

    Terminated (a KeyboardInterrupt)  SIGTERM: the command stops as Ctrl-C stops it (exit 143)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # errors import nothing at run time: every layer imports them
    from datetime import date, datetime

    from firstmate.domain.intake import RowError


class FirstmateError(Exception):
    """Base of every error firstmate raises on purpose."""

    http_status: int = 500
    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UserError(FirstmateError):
    """The caller's input is wrong; nothing was changed."""

    http_status = 400
    exit_code = 2


class InvalidInput(UserError):
    """A value fails validation."""

    http_status = 422


class DataRejected(InvalidInput):
    """The data folder (or a row) has problems; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"{first.where}: {first.problem}{more}", hint="fix the data and import again; nothing was changed"
        )
        self.errors = errors


class WeekNotOver(InvalidInput):
    """The week asked for has not ended yet in some ad account's zone: nothing pulled, nothing stored. `ends`:
    when it has ended in all of them; `when`: that moment as the business reads it ("Mon Nov 16 21:00
    Pacific/Auckland time")."""

    def __init__(self, message: str, *, hint: str, ends: datetime, when: str) -> None:
        super().__init__(message, hint=hint)
        self.ends, self.when = ends, when


class NotFound(UserError):
    """No such thing exists for this caller (other orgs' things are never revealed)."""

    http_status = 404


class NoFigures(NotFound):
    """The sources have no figures for the week asked for: nothing is reported, nothing stored."""


class Conflict(UserError):
    """The thing already exists, or changed since it was read."""

    http_status = 409


class Unauthorized(UserError):
    """Missing, malformed, expired or revoked credentials."""

    http_status = 401


class Forbidden(UserError):
    """The caller is known but may not do this (a crew member designating, say)."""

    http_status = 403


class PayloadTooLarge(UserError):
    """The request body is larger than the endpoint accepts."""

    http_status = 413


class RateLimited(UserError):
    """Too many requests from this caller; `retry_after` seconds until the next may pass."""

    http_status = 429

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class ConfigError(FirstmateError):
    """Settings are missing or contradictory."""

    exit_code = 3


class OutOfTime(FirstmateError):
    """A job stopped itself before a step it no longer had the time to finish (`services.timebox.TimeBox`)."""


class SentAlready(FirstmateError):
    """A scheduled run's week (`week`) was built and sent to every recipient by another run (`run_id`): nothing
    pulled, nothing built again."""

    def __init__(self, message: str, *, week: date, run_id: str) -> None:
        super().__init__(message)
        self.week, self.run_id = week, run_id


class FeedbackTooEarly(FirstmateError):
    """A mail system's word on a message whose send is not recorded yet (the store slow to take the
    record): asked again later, it finds it (Lambda retries the event, then puts it in the queue of
    failed events), where ignored it was lost."""


class StoreError(FirstmateError):
    """The store refused an operation."""


class ConditionFailed(StoreError):
    """A conditional write's condition did not hold; nothing in that write or transaction changed.

    `index` is the position of the failing write inside a transaction (None for a single put).
    """

    http_status = 409

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class StoreUnavailable(StoreError):
    """The store is busy (locked) or unreachable; retry shortly."""

    http_status = 503
    exit_code = 4


class LeaseHeld(StoreUnavailable):
    """Another process holds the lease asked for (`services.leases.exclusive`, past the wait): `since`, when it
    took it ("" unknown); `until`, when it lapses should that process have stopped (None unknown)."""

    def __init__(self, message: str, *, hint: str, since: str, until: datetime | None = None) -> None:
        super().__init__(message, hint=hint)
        self.since, self.until = since, until


class BuildUnderWay(LeaseHeld):
    """Another run is building and sending the week asked for (`week`) just now: nothing pulled."""

    def __init__(self, message: str, *, hint: str, since: str, week: date, until: datetime | None = None) -> None:
        super().__init__(message, hint=hint, since=since, until=until)
        self.week = week


class LeaseLost(StoreUnavailable):
    """A holder's lease was taken over by another process (`services.leases.Held`): nothing more of its work
    is stored."""


class BlobError(FirstmateError):
    """The blob store refused an operation."""


class BlobNotFound(BlobError):
    """No blob is stored under that key."""

    http_status = 404


class SourceError(FirstmateError):
    """An outside data source refused or failed."""

    exit_code = 5


class SourceAuthError(SourceError):
    """The source's token is expired or invalid."""


class SourcePermissionError(SourceError):
    """The source's app lacks a permission, or is not live."""


class SourceUnavailable(SourceError):
    """The source kept failing after retries."""


class DeliveryError(FirstmateError):
    """A message could not be delivered."""


class TransientDeliveryError(DeliveryError):
    """Delivery failed for a reason that may pass (server down, greylisting): retry later."""


class PermanentDeliveryError(DeliveryError):
    """Delivery failed for a reason that will not pass (rejected address): do not retry."""


class PartialDeliveryError(DeliveryError):
    """The server took the message for some recipients and refused it for the others: `accepted`
    have it (`ref`: the provider's reference; none when the envelope left out those an earlier send
    reached, and the server refused all it named), `refused` maps each other address to the server's
    reply, and `permanent` says every refusal was for good (5xx). Send it again to the refused only."""

    def __init__(self, ref: str, accepted: tuple[str, ...], refused: dict[str, str], *, permanent: bool) -> None:
        details = "; ".join(f"{address}: {reply}" for address, reply in refused.items())
        super().__init__(f"sent to {', '.join(accepted) or 'none of the envelope'}; refused for {details}")
        self.ref = ref
        self.accepted = accepted
        self.refused = refused
        self.permanent = permanent


class Terminated(KeyboardInterrupt):
    """SIGTERM (systemd, docker, `kill`): a command stops as Ctrl-C stops it, its try of a job recorded stopped by
    hand and its store closed, where the signal's default ended the process with nothing recorded. Not a
    FirstmateError: every `except KeyboardInterrupt` that stops cleanly stops so for it too."""
