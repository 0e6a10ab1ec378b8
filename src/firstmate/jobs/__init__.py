"""Every scheduled job, declared once: the local scheduler runs those marked `local`, and the AWS
template's EventBridge schedules are generated from the whole list (`firstmate aws render-template`).

- `catalog`: the declared jobs (`declared_jobs`), their schedules and the function time each needs on AWS.
- `sweeps`: expired items and unchecked uploads swept (older items given their index keys), old archives.
- `passes`: the frequent passes: crew reminders, unfinished fan-outs and checks, roster lists, outbox retries.
- `weekly`: the weekly marketing report of every org with an ad account.
- `weekly_skips`: its scheduled run skipped: what it leaves to send by hand, told its owners, read for `jobs list`.
- `roles`: the eight role reports of every org with business data.
- `schedules`: the Monday reports' schedule, and warnings for orgs it would report late or stale.
- `failures`: an org's unexpected failure, logged whole and said in one line.
"""

from firstmate.jobs.catalog import WEEKLY_MARGIN_S, declared_jobs
from firstmate.jobs.passes import finish_fanouts
from firstmate.jobs.roles import role_reports
from firstmate.jobs.schedules import late_week_warnings, weekly_schedule
from firstmate.jobs.sweeps import sweep_expired
from firstmate.jobs.weekly import weekly_reports

__all__ = [
    "WEEKLY_MARGIN_S",
    "declared_jobs",
    "finish_fanouts",
    "late_week_warnings",
    "role_reports",
    "sweep_expired",
    "weekly_reports",
    "weekly_schedule",
]
