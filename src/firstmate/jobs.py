"""Every scheduled job, declared once: the local scheduler runs these, and later the AWS
template is generated from the same list."""

from __future__ import annotations

from datetime import datetime

from firstmate.bootstrap import App
from firstmate.domain.schedule import Schedule
from firstmate.services.scheduler import Job


def sweep_expired(app: App, period: datetime) -> str:
    """Delete store items whose ttl has passed (they already read as absent)."""
    removed = app.store.sweep_expired()
    return f"{removed} expired items removed"


def declared_jobs(app: App) -> list[Job[App]]:
    """The jobs for this configuration, in the business's time zone where it matters."""
    return [
        Job(Schedule("sweep", "17 * * * *", "UTC", "Remove expired items from the store"), sweep_expired),
    ]
