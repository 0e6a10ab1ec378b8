"""Where events go in the template: the dead-letter queue, and SES events reaching their function
through a configuration set and an SNS topic."""

from __future__ import annotations

from typing import Any

from firstmate.aws.template.cloudformation import DELETE, get_att, ref, sub

_SES_EVENTS = ["bounce", "complaint", "delivery", "reject"]
#: The configuration set's name (the functions' `ses_configuration_set`), for `!Sub`: one per stack.
CONFIGURATION_SET_NAME = "${AWS::StackName}"


def messaging() -> dict[str, Any]:
    """The dead-letter queue with its alarm (told to AlertEmail's subscriber), the SES events topic (with
    who may publish) and the configuration set."""
    configuration_set_arn = sub(
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${ConfigurationSet}"
    )
    ses_may_publish = {
        "Effect": "Allow",
        "Principal": {"Service": "ses.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": ref("SesEventsTopic"),
        "Condition": {
            "StringEquals": {"AWS:SourceAccount": ref("AWS::AccountId")},
            "ArnLike": {"AWS:SourceArn": configuration_set_arn},
        },
    }
    destination = {
        "Name": "firstmate-events",
        "Enabled": True,
        "MatchingEventTypes": _SES_EVENTS,
        "SnsDestination": {"TopicARN": ref("SesEventsTopic")},
    }
    return {
        "DeadLetterQueue": {
            "Type": "AWS::SQS::Queue",
            **DELETE,
            "Properties": {"MessageRetentionPeriod": 14 * 24 * 3600, "SqsManagedSseEnabled": True},
        },
        # what lands on the queue is something firstmate could not do after its retries (a role report's job,
        # a weekly try stopped at its timeout, a bounce not recorded): someone is told, rather than the
        # evidence going after 14 days unread
        "DeadLetterAlarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": "firstmate could not do something after its retries: read the dead-letter queue",
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": get_att("DeadLetterQueue", "QueueName")}],
                "Statistic": "Maximum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [ref("AlertsTopic")],
            },
        },
        "AlertsTopic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "firstmate alerts"}},
        "AlertsSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Condition": "HasAlertEmail",
            "Properties": {"TopicArn": ref("AlertsTopic"), "Protocol": "email", "Endpoint": ref("AlertEmail")},
        },
        "SesEventsTopic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "firstmate SES events"}},
        "SesEventsTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [ref("SesEventsTopic")],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [ses_may_publish]},
            },
        },
        "ConfigurationSet": {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {
                "Name": sub(CONFIGURATION_SET_NAME),  # a fixed name would stop a second stack in the region
                "ReputationOptions": {"ReputationMetricsEnabled": True},
            },
        },
        "ConfigurationSetEvents": {
            "Type": "AWS::SES::ConfigurationSetEventDestination",
            "DependsOn": "SesEventsTopicPolicy",
            "Properties": {"ConfigurationSetName": ref("ConfigurationSet"), "EventDestination": destination},
        },
    }
