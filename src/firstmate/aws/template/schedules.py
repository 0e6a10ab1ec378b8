"""The scheduler's side of the template: one EventBridge schedule per declared job (the list the
local scheduler runs from), each invoking the jobs function through its own role."""

from __future__ import annotations

import json
from typing import Any

from firstmate.aws.template.cloudformation import get_att, logical_name, ref
from firstmate.aws.template.cron import eventbridge_cron
from firstmate.aws.template.iam import allow, dead_letters, role
from firstmate.config import Settings
from firstmate.domain.schedule import Schedule
from firstmate.jobs import declared_jobs


def schedule_logical_id(job_name: str) -> str:
    """The logical id of a job's schedule (`weekly_report` → `WeeklyReportSchedule`)."""
    return logical_name(job_name) + "Schedule"


def schedules(settings: Settings) -> dict[str, Any]:
    """The scheduler's role and every declared job's schedule, by logical id."""
    invoke_jobs = allow("InvokeJobs", ["lambda:InvokeFunction"], [get_att("JobsFunction", "Arn")])
    same_account = {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}}
    resources = {"SchedulerRole": role("scheduler.amazonaws.com", [invoke_jobs, dead_letters()], same_account)}
    for job in declared_jobs(settings):
        resources[schedule_logical_id(job.name)] = _schedule(job.schedule, settings.timezone)
    return resources


def _schedule(schedule: Schedule, business_timezone: str) -> dict[str, Any]:
    # a job in the business's zone follows the TimeZone parameter, as the job handler's settings do;
    # were they to differ, the handler would not find the period the scheduler fired for
    timezone = ref("TimeZone") if schedule.timezone == business_timezone else schedule.timezone
    max_age = min(max(int(schedule.catch_up.total_seconds()), 60), 86400)
    return {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "Description": f"{schedule.description} (job {schedule.name}, cron {schedule.cron})",
            "ScheduleExpression": eventbridge_cron(schedule.cron),
            "ScheduleExpressionTimezone": timezone,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": get_att("JobsFunction", "Arn"),
                "RoleArn": get_att("SchedulerRole", "Arn"),
                "Input": json.dumps({"job": schedule.name}),
                "RetryPolicy": {"MaximumEventAgeInSeconds": max_age, "MaximumRetryAttempts": 3},
                "DeadLetterConfig": {"Arn": get_att("DeadLetterQueue", "Arn")},
            },
        },
    }
