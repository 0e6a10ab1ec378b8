"""The template as one document: parameters, the custom-domain rule and condition, SAM's globals,
every resource by logical id, and the outputs a newcomer needs."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from firstmate.aws.template.cloudformation import Fn, get_att, ref, sub, to_yaml
from firstmate.aws.template.functions import (
    FUNCTIONS,
    carried_settings,
    function_globals,
    function_resource,
    http_api,
    log_group,
)
from firstmate.aws.template.iam import function_policies, role
from firstmate.aws.template.messaging import messaging
from firstmate.aws.template.schedules import schedules
from firstmate.aws.template.storage import SECRETS_PREFIX, secrets, storage
from firstmate.config import Settings
from firstmate.domain.mail import EMAIL_PATTERN
from firstmate.errors import ConfigError


def render_template(settings: Settings) -> str:
    """The SAM template for these settings, as the YAML `deploy/aws/template.yaml` holds."""
    return to_yaml(build_template(settings))


def build_template(settings: Settings) -> dict[str, Any]:
    """The SAM template for these settings, as data (`Fn` values stand for `!Ref`, `!GetAtt`, `!Sub`).
    ConfigError for settings a function cannot run with (ad figures from files on this machine's disk)."""
    if settings.ads_source == "csv":  # a Lambda has no such folder: every Monday's report would fail
        raise ConfigError(
            "ads_source 'csv' reads ad figures from files on this machine, which a Lambda function does not have",
            hint="render the template with ads_source = 'meta' (the default)",
        )
    _functions_can_start(settings)
    resources: dict[str, Any] = {"HttpApi": http_api(), "ApiLogGroup": log_group(None)}
    policies = function_policies(settings)
    for function in FUNCTIONS:
        resources[function.logical_id] = function_resource(function)
        resources[f"{function.key}Role"] = role("lambda.amazonaws.com", policies[function.key])
        resources[f"{function.key}LogGroup"] = log_group(function)
    resources |= storage() | messaging() | secrets(settings) | schedules(settings) | _custom_domain()
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Description": "firstmate: web app, outbox dispatcher, scheduled jobs and SES events (docs/deploy-aws.md)",
        "Parameters": _parameters(settings),
        "Rules": _rules(),
        "Conditions": {
            "HasCustomDomain": Fn("Not", [Fn("Equals", [ref("DomainName"), ""])]),
            "HasAlertEmail": Fn("Not", [Fn("Equals", [ref("AlertEmail"), ""])]),
        },
        "Globals": {"Function": function_globals(settings)},
        "Resources": resources,
        "Outputs": _outputs(),
    }


def _functions_can_start(settings: Settings) -> None:
    """ConfigError when the settings carried to the functions would stop every one at start (a lease too
    short for a send through SES with the store on DynamoDB, fine with SMTP here)."""
    if settings.analyst == "openai" and not (settings.openai_base_url and settings.openai_model):
        raise ConfigError(
            "analyst 'openai' needs openai_base_url and openai_model: the functions would fail every Monday",
            hint="set both, or choose another analyst",
        )
    carried = {name: getattr(settings, name) for name in carried_settings(settings)}
    try:
        Settings.model_validate({**carried, "store": "dynamodb", "mailer": "ses", "blobs": "s3", "secrets": "aws"})
    except ValidationError as exc:
        problem = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"the functions could not start with your settings: {problem}") from None


def _parameters(settings: Settings) -> dict[str, Any]:
    return {
        "BaseUrl": {
            "Type": "String",
            "Description": "Public URL of the web app without a trailing slash: https://app.example.com or the ApiUrl",
            "AllowedPattern": r"^https://[^/\s]+$",
            "ConstraintDescription": "an https:// URL without a path or trailing slash",
        },
        "MailFrom": {
            "Type": "String",
            "Description": "Sender address of every email; its domain must be verified in SES",
            # the address rule every function checks at start: one the stack took, firstmate refused there
            "AllowedPattern": EMAIL_PATTERN,
            "ConstraintDescription": "an email address such as firstmate@example.com (ASCII letters, digits, ._%+-)",
        },
        "TimeZone": {
            "Type": "String",
            "Default": settings.timezone,
            "Description": "IANA time zone of the business; the weekly reports fire in it",
        },
        "AlertEmail": {
            "Type": "String",
            "Default": "",
            "Description": "Optional address told when anything lands on the dead-letter queue (confirm SNS's mail)",
            "AllowedPattern": f"^$|{EMAIL_PATTERN}",
            "ConstraintDescription": "empty, or an email address such as ops@example.com",
        },
        "DomainName": {
            "Type": "String",
            "Default": "",
            "Description": "Optional custom domain for the web app (app.example.com); empty to use the ApiUrl",
            "AllowedPattern": r"^$|^[a-z0-9.-]+$",
        },
        "CertificateArn": {
            "Type": "String",
            "Default": "",
            "Description": "ACM certificate for DomainName, in this region (required with DomainName)",
            "AllowedPattern": r"^$|^arn:aws[a-zA-Z-]*:acm:[a-z0-9-]+:\d{12}:certificate/.+$",
        },
    }


def _rules() -> dict[str, Any]:
    return {
        "CertificateForCustomDomain": {
            "RuleCondition": Fn("Not", [Fn("Equals", [ref("DomainName"), ""])]),
            "Assertions": [
                {
                    "Assert": Fn("Not", [Fn("Equals", [ref("CertificateArn"), ""])]),
                    "AssertDescription": "A custom DomainName needs the CertificateArn of its ACM certificate",
                }
            ],
        }
    }


def _custom_domain() -> dict[str, Any]:
    configuration = {"CertificateArn": ref("CertificateArn"), "EndpointType": "REGIONAL", "SecurityPolicy": "TLS_1_2"}
    return {
        "ApiDomain": {
            "Type": "AWS::ApiGatewayV2::DomainName",
            "Condition": "HasCustomDomain",
            # cfn-lint checks CertificateArn's empty default, which HasCustomDomain (and the Rule) rule out
            "Metadata": {"cfn-lint": {"config": {"ignore_checks": ["W1030"]}}},
            "Properties": {"DomainName": ref("DomainName"), "DomainNameConfigurations": [configuration]},
        },
        "ApiMapping": {
            "Type": "AWS::ApiGatewayV2::ApiMapping",
            "Condition": "HasCustomDomain",
            "DependsOn": "HttpApiApiGatewayDefaultStage",  # the stage SAM creates for the HTTP API
            "Properties": {"ApiId": ref("HttpApi"), "DomainName": ref("ApiDomain"), "Stage": "$default"},
        },
    }


def _outputs() -> dict[str, Any]:
    outputs = {
        "ApiUrl": ("The web app's default URL", sub("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}")),
        "TableName": ("The DynamoDB table", ref("Table")),
        "DataBucketName": ("Photos and reports", ref("DataBucket")),
        "ArchiveBucketName": ("Raw API archives (90-day lifecycle)", ref("ArchiveBucket")),
        "DeadLetterQueueUrl": ("Failed outbox batches, jobs and SES events land here", ref("DeadLetterQueue")),
        "SesEventsTopicArn": ("SES bounce, complaint, delivery and reject events", ref("SesEventsTopic")),
        "AlertsTopicArn": ("The dead-letter queue's alarm tells this topic's subscribers", ref("AlertsTopic")),
        # what a shell needs to reach this stack's secrets and configuration set (FIRSTMATE_*)
        "SecretsPrefix": ("Every secret's name starts with it (FIRSTMATE_SECRETS_PREFIX)", sub(SECRETS_PREFIX)),
        "SesConfigurationSet": ("The SES configuration set (FIRSTMATE_SES_CONFIGURATION_SET)", ref("ConfigurationSet")),
    }
    rendered: dict[str, Any] = {key: {"Description": text, "Value": value} for key, (text, value) in outputs.items()}
    rendered["CustomDomainTarget"] = {
        "Condition": "HasCustomDomain",
        "Description": "Point DomainName here with a CNAME (or a Route 53 alias)",
        "Value": get_att("ApiDomain", "RegionalDomainName"),
    }
    return rendered
