"""An org's unexpected failure in a job that works org by org: logged whole, said in one line."""

from __future__ import annotations

import structlog

from firstmate.errors import FirstmateError
from firstmate.services.scheduler import unexpected_said

log = structlog.get_logger(__name__)


def unexpected(event: str, org: str, exc: Exception) -> FirstmateError:
    """An error firstmate did not raise on purpose, logged whole and said in one line, as the scheduler says a job's
    (`unexpected_said`: its class name and first line; the owner's mail and the reports page read it so too)."""
    log.exception(event, org=org)
    return FirstmateError(unexpected_said(exc))
