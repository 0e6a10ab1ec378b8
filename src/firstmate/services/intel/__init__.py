"""The weekly marketing report: pull, archive raw, compute, analyse, check, render, deliver.

Every run pulls the last sixteen weeks (so trends, signals and late attribution all come from one
pull) and archives each raw page before anything is computed from it. `replay_run` rebuilds a
run's report from its archive alone, with no network: the same bytes in, the same report out.

Keys:
    ORG#<org>#INTEL     RUN#<run_id>              the run: week, archive, subject, status, how many it was sent to,
                                                  the run that had sent its week before (indexed ORG#<org>#RUNS /
                                                  <pulled_at>#<run_id>, for the admin list)
    ORG#<org>#METRICS   <week>#<source>#<account>#<ad set>  the latest figures of each ad-set week
    ORG#<org>#SENDS     weekly#<week>#<email>     one ledger entry per recipient and week (services/sends)
Blobs: raw/<org>/<run_id>/... (expire after 90 days), reports/<org>/weekly/<week>/...

- `runs`: `run_weekly` and `replay_run`, a run from its pulls (or its archive) to its report.
- `build`: a run's pages to its report: computed, analysed, rendered, stored and sent (`IntelRun`).
- `weeks`: which week a run reports, ended in the business's zone and each ad account's.
- `build_lease`: one build of a week at a time, and what another run is told meanwhile.
- `archive`: the raw pages as pulled, read back by a replay, swept after 90 days.
- `restatements`: each ad-set week's latest figures, and what late attribution changed.
- `delivery`: the report's mail, once to each recipient per week.
- `run_records`: where runs are recorded and how they are listed.
- `scheduled`: the scheduled run's records: done, its week, its failures told and mailed.
"""

from firstmate.services.intel.archive import sweep_archive
from firstmate.services.intel.build import IntelRun
from firstmate.services.intel.build_lease import build_under_way
from firstmate.services.intel.delivery import WeekSends, sent_already, week_sends
from firstmate.services.intel.run_records import (
    intel_pk,
    list_runs,
    recorded_account_zones,
    run_index_keys,
    run_order,
    run_said,
)
from firstmate.services.intel.runs import replay_run, run_weekly
from firstmate.services.intel.scheduled import (
    failed_week,
    keep_scheduled_week,
    list_failures,
    record_failure,
    record_scheduled_run,
    scheduled_run_done,
    scheduled_week,
)
from firstmate.services.intel.weeks import last_complete_week, moment_in

__all__ = [
    "IntelRun",
    "WeekSends",
    "build_under_way",
    "failed_week",
    "intel_pk",
    "keep_scheduled_week",
    "last_complete_week",
    "list_failures",
    "list_runs",
    "moment_in",
    "record_failure",
    "record_scheduled_run",
    "recorded_account_zones",
    "replay_run",
    "run_index_keys",
    "run_order",
    "run_said",
    "run_weekly",
    "scheduled_run_done",
    "scheduled_week",
    "sent_already",
    "sweep_archive",
    "week_sends",
]
