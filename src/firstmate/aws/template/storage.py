"""Where firstmate keeps things on AWS: the table and both buckets (shaped by `adapters.aws.resources`,
as the preflight and the moto tests shape them) and the secrets the settings read, named after the
stack so that two stacks (production, staging) live side by side in one account and region."""

from __future__ import annotations

from typing import Any

from firstmate.adapters.aws.resources import (
    SECRET_PLACEHOLDER,
    TTL_ATTRIBUTE,
    archive_lifecycle,
    bucket_encryption,
    data_lifecycle,
    public_access_block,
    table_schema,
)
from firstmate.aws.template.cloudformation import RETAIN, get_att, logical_name, ref, sub
from firstmate.config import Settings

#: What every secret's name starts with (the functions' `secrets_prefix`), for `!Sub`: the stack's
#: name, so stack `firstmate` reads `firstmate/secret_key` and stack `firstmate-staging` its own.
SECRETS_PREFIX = "${AWS::StackName}/"


def storage() -> dict[str, Any]:
    """The table, both buckets and their TLS-only bucket policies, by logical id."""
    schema = table_schema()
    schema["StreamSpecification"].pop("StreamEnabled")  # the API's switch; CloudFormation infers it
    table = {
        **schema,
        "TimeToLiveSpecification": {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
    }
    cors = {
        "CorsRules": [
            {"AllowedMethods": ["POST"], "AllowedOrigins": [ref("BaseUrl")], "AllowedHeaders": ["*"], "MaxAge": 3000}
        ]
    }  # guests' browsers POST photos straight to the bucket with a presigned form
    return {
        "Table": {"Type": "AWS::DynamoDB::Table", **RETAIN, "Properties": table},
        "DataBucket": _bucket(data_lifecycle(), CorsConfiguration=cors),
        "DataBucketPolicy": _tls_only("DataBucket"),
        "ArchiveBucket": _bucket(archive_lifecycle()),
        "ArchiveBucketPolicy": _tls_only("ArchiveBucket"),
    }


def _bucket(lifecycle: dict[str, Any], **extra: Any) -> dict[str, Any]:
    properties = {
        "BucketEncryption": _cloudformation_encryption(bucket_encryption()),
        "PublicAccessBlockConfiguration": public_access_block(),
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "LifecycleConfiguration": _cloudformation_lifecycle(lifecycle),
        **extra,
    }
    return {"Type": "AWS::S3::Bucket", **RETAIN, "Properties": properties}


def _cloudformation_encryption(encryption: dict[str, Any]) -> dict[str, Any]:
    """A PutBucketEncryption body in CloudFormation's spelling (ServerSideEncryptionByDefault)."""
    rules = [
        {"ServerSideEncryptionByDefault": rule["ApplyServerSideEncryptionByDefault"]} for rule in encryption["Rules"]
    ]
    return {"ServerSideEncryptionConfiguration": rules}


def _cloudformation_lifecycle(lifecycle: dict[str, Any]) -> dict[str, Any]:
    """A PutBucketLifecycleConfiguration body in CloudFormation's spelling (Id, Prefix, ExpirationInDays)."""
    rules = []
    for rule in lifecycle["Rules"]:
        converted: dict[str, Any] = {"Id": rule["ID"], "Status": rule["Status"]}
        if prefix := rule.get("Filter", {}).get("Prefix"):
            converted["Prefix"] = prefix
        converted["ExpirationInDays"] = rule["Expiration"]["Days"]
        rules.append(converted)
    return {"Rules": rules}


def _tls_only(bucket: str) -> dict[str, Any]:
    deny = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [get_att(bucket, "Arn"), sub(f"${{{bucket}.Arn}}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    document = {"Version": "2012-10-17", "Statement": [deny]}
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": ref(bucket), "PolicyDocument": document}}


def secret_names(settings: Settings) -> list[str]:
    """The secrets these settings read on AWS (names without the prefix)."""
    return ["secret_key", *settings.token_secrets]


def secret_logical_id(name: str) -> str:
    """The logical id of a secret (`secret_key` → `SecretKeySecret`)."""
    return logical_name(name) + "Secret"


def secrets(settings: Settings) -> dict[str, Any]:
    """One Secrets Manager secret per name in `secret_names`, by logical id, named `<stack>/<name>`.

    Kept when the stack is deleted or a secret replaced: a stored token or the signing key must not
    vanish with an update or a `sam delete` (docs/deploy-aws.md says how to remove them by hand).
    """
    resources: dict[str, Any] = {}
    for name in secret_names(settings):
        properties: dict[str, Any] = {"Name": sub(SECRETS_PREFIX + name)}
        if name == "secret_key":
            properties["Description"] = (
                "Signs firstmate's links and sessions (generated; to rotate it, see docs/deploy-aws.md)"
            )
            properties["GenerateSecretString"] = {"PasswordLength": 48, "ExcludePunctuation": True}
        else:
            properties["Description"] = f"firstmate's {name}: store the real value with put-secret-value"
            properties["SecretString"] = SECRET_PLACEHOLDER  # CloudFormation leaves a stored value alone
        resources[secret_logical_id(name)] = {"Type": "AWS::SecretsManager::Secret", **RETAIN, "Properties": properties}
    return resources
