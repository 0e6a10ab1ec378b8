"""IAM in the template: roles, and each function's policy naming only the actions its code calls on
only the resources it touches."""

from __future__ import annotations

from typing import Any

from firstmate.adapters.aws.resources import GSI_NAME
from firstmate.aws.template.cloudformation import Fn, get_att, ref, sub
from firstmate.aws.template.storage import secret_logical_id, secret_names
from firstmate.config import Settings


def allow(sid: str, actions: list[str], resources: list[Any]) -> dict[str, Any]:
    """One Allow statement."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def dead_letters() -> dict[str, Any]:
    """Leave failed events on the dead-letter queue."""
    return allow("DeadLetters", ["sqs:SendMessage"], [get_att("DeadLetterQueue", "Arn")])


def role(service: str, statements: list[dict[str, Any]], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """A role `service` may assume (under `condition`), granted `statements`."""
    trust: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        trust["Condition"] = condition
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
            "Policies": [
                {"PolicyName": "least-privilege", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}
            ],
        },
    }


def function_policies(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Each function's statements: only what its code calls, on only the resources it touches."""
    table = _table_read_write()
    stream = allow(
        "ReadOutboxStream",
        ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
        [sub("${Table.Arn}/stream/*")],
    )
    ses = allow(
        "SendMail",
        ["ses:SendEmail", "ses:SendRawEmail"],  # the adapter sends raw MIME through SESv2: grant both names
        [_ses_arn(f"identity/{name}") for name in ("${Domain}", "${MailFrom}")]
        + [_ses_arn("configuration-set/${ConfigurationSet}")],
    )
    secret_key = _secrets_read(["secret_key"])  # every function's App reads it when it starts (bootstrap.build)
    jobs = [*table, *_objects("DataBucket"), *_objects("ArchiveBucket"), ses, _secrets_read(secret_names(settings))]
    if settings.analyst == "bedrock":
        jobs.append(allow("InvokeModel", ["bedrock:InvokeModel"], _bedrock_arns(settings.bedrock_model_id)))
    statements = {
        "Web": [*table, *_objects("DataBucket"), secret_key],
        "Dispatch": [*table, stream, ses, secret_key, dead_letters()],
        "Jobs": [*jobs, dead_letters()],
        "SesEvents": [*table, secret_key, dead_letters()],
    }
    return {key: [_logs(key), *value] for key, value in statements.items()}


def _table_read_write() -> list[dict[str, Any]]:
    """What `DynamoStore` calls, granted to every function (each writes through the store).

    GetItem covers TransactGetItems too, BatchGetItem is `get_many`, and TransactWriteItems is
    authorised per action: the store's Puts, Deletes and ConditionChecks. No Scan (DynamoDB's TTL
    deletes expired items, so the store's sweep reads nothing), no UpdateItem: the store makes neither call.
    """
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
               "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]  # fmt: skip
    return [
        allow("TableReadWrite", actions, [get_att("Table", "Arn")]),
        allow("QueryIndex", ["dynamodb:Query"], [sub(f"${{Table.Arn}}/index/{GSI_NAME}")]),
    ]


def _logs(key: str) -> dict[str, Any]:
    return allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [get_att(f"{key}LogGroup", "Arn")])


def _objects(bucket: str) -> list[dict[str, Any]]:
    # ListBucket makes a missing key answer 404 (not 403), which the adapter reads as "not found"
    return [
        allow(f"{bucket}Objects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [sub(f"${{{bucket}.Arn}}/*")]),
        allow(f"{bucket}List", ["s3:ListBucket"], [get_att(bucket, "Arn")]),
    ]


def _secrets_read(names: list[str]) -> dict[str, Any]:
    return allow("ReadSecrets", ["secretsmanager:GetSecretValue"], [ref(secret_logical_id(name)) for name in names])


def _ses_arn(resource: str) -> Fn:
    arn = f"arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"
    if "${Domain}" not in resource:
        return sub(arn)
    return sub(arn, {"Domain": Fn("Select", [1, Fn("Split", ["@", ref("MailFrom")])])})


def _bedrock_arns(model_id: str) -> list[Any]:
    geography, _, base = model_id.partition(".")
    if geography in ("us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"):
        # a cross-region inference profile routes to the model in several regions, hence the * region
        return [
            sub(f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}:${{AWS::AccountId}}:inference-profile/{model_id}"),
            sub(f"arn:${{AWS::Partition}}:bedrock:*::foundation-model/{base}"),
        ]
    return [sub(f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model_id}")]
