"""The four Lambda functions: their sizes and events, their log groups, the settings they share
(SAM's Globals) and the HTTP API in front of the web function."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from firstmate.aws.template.cloudformation import DELETE, get_att, ref, sub
from firstmate.aws.template.storage import SECRETS_PREFIX
from firstmate.config import Settings
from firstmate.services.outbox import DUE_INDEX

#: Where `sam build` finds the code, relative to the template (it copies `firstmate/` to the bundle root).
CODE_URI = "../../src"
_LOG_RETENTION_DAYS = 30


@dataclass(frozen=True)
class LambdaFunction:
    """One of the four functions: its logical-id prefix, handler and size."""

    key: str
    slug: str
    handler: str
    memory_mb: int
    timeout_s: int
    description: str

    @property
    def logical_id(self) -> str:
        """Its logical id in the template (`WebFunction`)."""
        return f"{self.key}Function"


FUNCTIONS = (
    LambdaFunction("Web", "web", "web_handler", 512, 29, "The web app and API behind the HTTP API (Mangum)"),
    LambdaFunction("Dispatch", "dispatch", "dispatch_handler", 256, 90, "Sends outbox messages from the stream"),
    LambdaFunction("Jobs", "jobs", "job_handler", 1024, 900, "Runs one scheduled job, named by the scheduler"),
    LambdaFunction("SesEvents", "ses-events", "ses_events_handler", 256, 30, "Records SES bounces and complaints"),
)


#: Settings of yours that shape what the functions do, carried to them where they differ from the default
#: (until 2026-12-06 they ran on the defaults whatever firstmate.toml said: reminders at 24 and 2 hours).
CARRIED = (
    "reminder_offsets_h", "album_opens_before_h", "album_closes_after_days", "photo_max_mb", "album_max_photos",
    "outbox_max_attempts", "outbox_base_delay_s", "outbox_max_delay_s", "outbox_lease_s", "crew_page_cache",
    "log_level",
)  # fmt: skip


def carried_settings(settings: Settings) -> dict[str, str]:
    """The CARRIED settings that differ from their defaults, as environment values (a list as JSON)."""
    carried = {}
    for name in CARRIED:
        value = getattr(settings, name)
        if value == Settings.model_fields[name].default:
            continue
        if isinstance(value, list):
            carried[name] = json.dumps(value)
        else:  # a float written whole: "{:g}" kept six digits (70/60 hours read 1.16667)
            carried[name] = repr(value) if isinstance(value, float) else str(value)
    return carried


def function_globals(settings: Settings) -> dict[str, Any]:
    """What every function shares: runtime, code and the environment that configures firstmate."""
    variables: dict[str, Any] = {
        "FIRSTMATE_HOME": "/tmp/firstmate",  # noqa: S108 - Lambda's only writable folder
        "FIRSTMATE_STORE": "dynamodb",
        "FIRSTMATE_BLOBS": "s3",
        "FIRSTMATE_MAILER": "ses",
        "FIRSTMATE_SECRETS": "aws",
        "FIRSTMATE_LOG_FORMAT": "json",
        "FIRSTMATE_TABLE_NAME": ref("Table"),
        "FIRSTMATE_BUCKET": ref("DataBucket"),
        "FIRSTMATE_ARCHIVE_BUCKET": ref("ArchiveBucket"),
        "FIRSTMATE_SES_CONFIGURATION_SET": ref("ConfigurationSet"),
        "FIRSTMATE_SECRETS_PREFIX": sub(SECRETS_PREFIX),  # the names `storage.secrets` gives them
        "FIRSTMATE_SECRETS_CACHE_S": f"{settings.secrets_cache_s:g}",
        "FIRSTMATE_AWS_REGION": ref("AWS::Region"),
        "FIRSTMATE_BASE_URL": ref("BaseUrl"),
        "FIRSTMATE_MAIL_FROM": ref("MailFrom"),
        # the job handler reads the schedule from these; they must agree with the rendered schedules
        "FIRSTMATE_TIMEZONE": ref("TimeZone"),
        "FIRSTMATE_WEEKLY_REPORT_CRON": settings.weekly_report_cron,
        "FIRSTMATE_ANALYST": settings.analyst,
        "FIRSTMATE_ADS_SOURCE": settings.ads_source,
        "FIRSTMATE_CRM_SOURCE": settings.crm_source,
        "MPLCONFIGDIR": "/tmp/matplotlib",  # noqa: S108 - charts need a writable cache folder
    }
    # what the analyst needs besides its name: without them a function ran another model, or none ("analyst
    # 'openai' needs openai_base_url and openai_model" every Monday)
    if settings.analyst == "bedrock":
        variables["FIRSTMATE_BEDROCK_MODEL_ID"] = settings.bedrock_model_id
    if settings.analyst == "openai":
        variables["FIRSTMATE_OPENAI_BASE_URL"] = settings.openai_base_url or ""
        variables["FIRSTMATE_OPENAI_MODEL"] = settings.openai_model or ""
    if settings.analyst == "anthropic":
        variables["FIRSTMATE_ANTHROPIC_MODEL"] = settings.anthropic_model
    variables |= {f"FIRSTMATE_{name.upper()}": value for name, value in carried_settings(settings).items()}
    return {
        "Runtime": "python3.12",
        "Architectures": ["arm64"],
        "CodeUri": CODE_URI,
        "Environment": {"Variables": variables},
    }


def http_api() -> dict[str, Any]:
    """The HTTP API in front of the web function, with throttling and access logs."""
    access_log = {key: f"$context.{key}" for key in ("requestId", "routeKey", "status", "responseLength")}
    access_log |= {"ip": "$context.identity.sourceIp", "latency": "$context.integrationLatency"}
    return {
        "Type": "AWS::Serverless::HttpApi",
        "Properties": {
            "Description": "firstmate's web app",
            "FailOnWarnings": True,
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 200, "ThrottlingRateLimit": 100},
            "AccessLogSettings": {
                "DestinationArn": get_att("ApiLogGroup", "Arn"),
                "Format": json.dumps(access_log, separators=(",", ":")),
            },
        },
    }


def log_group(function: LambdaFunction | None) -> dict[str, Any]:
    """The log group of `function`, or of the HTTP API's access logs when None."""
    name = (
        sub(f"/aws/lambda/${{AWS::StackName}}-{function.slug}") if function else sub("/firstmate/${AWS::StackName}/api")
    )
    return {
        "Type": "AWS::Logs::LogGroup",
        **DELETE,
        "Properties": {"LogGroupName": name, "RetentionInDays": _LOG_RETENTION_DAYS},
    }


def function_resource(function: LambdaFunction) -> dict[str, Any]:
    """`function` as a SAM function with its events (and, when invoked asynchronously, its failure queue)."""
    properties: dict[str, Any] = {
        "FunctionName": sub(f"${{AWS::StackName}}-{function.slug}"),
        "Description": function.description,
        "Handler": f"firstmate.aws.handlers.{function.handler}",
        "MemorySize": function.memory_mb,
        "Timeout": function.timeout_s,
        "Role": get_att(f"{function.key}Role", "Arn"),
    }
    if function.key == "Web":
        properties["Events"] = {"Http": {"Type": "HttpApi", "Properties": {"ApiId": ref("HttpApi")}}}
    elif function.key == "Dispatch":
        properties["Events"] = {"Outbox": {"Type": "DynamoDB", "Properties": _outbox_stream()}}
    elif function.key == "SesEvents":
        properties["Events"] = {"Ses": {"Type": "SNS", "Properties": {"Topic": ref("SesEventsTopic")}}}
    if function.key in ("Jobs", "SesEvents"):  # invoked asynchronously: failed events go to the DLQ
        properties["EventInvokeConfig"] = {
            "MaximumEventAgeInSeconds": 6 * 3600,
            # the scheduler tries a failed job again itself (10 and 30 minutes on) and raises on its last try
            "MaximumRetryAttempts": 0 if function.key == "Jobs" else 2,
            "DestinationConfig": {"OnFailure": {"Type": "SQS", "Destination": get_att("DeadLetterQueue", "Arn")}},
        }
    return {"Type": "AWS::Serverless::Function", "Properties": properties}


def _outbox_stream() -> dict[str, Any]:
    # REMOVE records carry no NewImage (view NEW_IMAGE), so this passes INSERT and MODIFY only
    pattern = {"dynamodb": {"NewImage": {"gsi1pk": {"S": [DUE_INDEX]}}}}
    return {
        "Stream": get_att("Table", "StreamArn"),
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 25,
        "MaximumBatchingWindowInSeconds": 1,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 5,
        "MaximumRecordAgeInSeconds": 6 * 3600,
        "DestinationConfig": {"OnFailure": {"Destination": get_att("DeadLetterQueue", "Arn")}},
        "FilterCriteria": {"Filters": [{"Pattern": json.dumps(pattern, separators=(",", ":"))}]},
    }
