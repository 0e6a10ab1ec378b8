"""An org's unexpected failure in a job that works org by org: logged whole, said in one line."""

from __future__ import annotations

import structlog

from firstmate.errors import FirstmateError

log = structlog.get_logger(__name__)


def unexpected(event: str, org: str, exc: Exception) -> FirstmateError:
    """An error firstmate did not raise on purpose, logged whole and said in one line (its class name the log's, as
    the scheduler's `failure_said` says a job's)."""
    log.exception(event, org=org)
    said = f"an unexpected error: {exc}" if str(exc) else "an unexpected error"
    return FirstmateError(said, hint="the log has the details")
