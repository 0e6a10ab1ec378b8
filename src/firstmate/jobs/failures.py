"""An org's unexpected failure in a job that works org by org: logged whole, said in one line."""

from __future__ import annotations

import structlog

from firstmate.errors import FirstmateError

log = structlog.get_logger(__name__)


def unexpected(event: str, org: str, exc: Exception) -> FirstmateError:
    """An error firstmate did not raise on purpose, logged whole and said in one line."""
    log.exception(event, org=org)
    return FirstmateError(f"an unexpected error ({type(exc).__name__}: {exc})", hint="the log has the details")
