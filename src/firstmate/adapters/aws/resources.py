"""The shapes of firstmate's AWS resources, in one place: the SAM template is rendered from these,
the preflight checks deployed resources against them, and the tests create them on moto."""

from __future__ import annotations

from typing import Any

#: The index every adapter calls `gsi1` (see the Store port).
GSI_NAME = "gsi1"
#: DynamoDB's own TTL attribute: items past it read as absent, and AWS deletes them within days.
TTL_ATTRIBUTE = "ttl"
#: Raw API archives are kept 90 days (then the archive bucket's lifecycle rule deletes them).
ARCHIVE_DAYS = 90
#: What the template stores in a token's secret until the operator sets it; read as "not set".
SECRET_PLACEHOLDER = "REPLACE_ME"  # noqa: S105 - a marker, not a password
#: Unchecked uploads that never reach the server-side check are deleted after a day.
QUARANTINE_PREFIX = "quarantine/"
QUARANTINE_DAYS = 1


def table_schema() -> dict[str, Any]:
    """Key schema, attributes and index of the table (CreateTable / CloudFormation spelling)."""
    return {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": GSI_NAME,
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    }


def archive_lifecycle() -> dict[str, Any]:
    """The archive bucket's lifecycle: raw pages expire after ARCHIVE_DAYS."""
    return {"Rules": [{"ID": "expire-raw-archives", "Status": "Enabled", "Filter": {"Prefix": ""},
                       "Expiration": {"Days": ARCHIVE_DAYS}}]}  # fmt: skip


def data_lifecycle() -> dict[str, Any]:
    """The data bucket's lifecycle: unchecked uploads expire after QUARANTINE_DAYS."""
    return {"Rules": [{"ID": "expire-unchecked-uploads", "Status": "Enabled",
                       "Filter": {"Prefix": QUARANTINE_PREFIX}, "Expiration": {"Days": QUARANTINE_DAYS}}]}  # fmt: skip


def public_access_block() -> dict[str, bool]:
    """Both buckets' public access block: every flag on (PutPublicAccessBlock / CloudFormation spelling)."""
    return dict.fromkeys(("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"), True)


def bucket_encryption() -> dict[str, Any]:
    """Both buckets' default encryption, S3-managed AES256 (PutBucketEncryption spelling)."""
    return {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


def create_resources(region: str, *, table: str, bucket: str, archive_bucket: str) -> None:
    """Create the table (with TTL and stream) and both buckets (private, encrypted, with their
    lifecycles), as the SAM template does. For a stand-in such as moto or LocalStack."""
    from firstmate.adapters.aws.clients import client

    dynamodb = client("dynamodb", region)
    dynamodb.create_table(TableName=table, **table_schema())
    dynamodb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    )
    s3 = client("s3", region)
    for name, lifecycle in ((bucket, data_lifecycle()), (archive_bucket, archive_lifecycle())):
        if region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=public_access_block())
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration=bucket_encryption())
        s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration=lifecycle)
