"""DynamoDB: the table exists with the keys and index of `table_schema()`, its stream on, TTL on `ttl`."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from firstmate.adapters.aws.clients import error_code
from firstmate.adapters.aws.preflight.checks import NOT_FOUND, Aws, Check, safely
from firstmate.adapters.aws.resources import GSI_NAME, TTL_ATTRIBUTE, table_schema
from firstmate.config import Settings


def table_checks(settings: Settings, aws: Aws) -> list[Check]:
    """The table exists with the keys and index of `table_schema()`, its stream on, TTL on `ttl`."""
    dynamodb = aws("dynamodb")
    name = settings.table_name
    try:
        table = dynamodb.describe_table(TableName=name)["Table"]
    except ClientError as exc:
        if error_code(exc) not in NOT_FOUND:
            raise
        fix = "deploy the stack (sam deploy) or set FIRSTMATE_TABLE_NAME to the deployed table"
        return [Check("DynamoDB", "table", "fail", f"table {name} does not exist in {settings.aws_region}", fix)]
    return [
        _keys(table, name),
        _stream(table, name),
        *safely("DynamoDB", "TTL", lambda: _ttl(dynamodb, name)),
    ]


def _keys(table: dict[str, Any], name: str) -> Check:
    schema = table_schema()
    indexes = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes") or []}
    wanted_index = schema["GlobalSecondaryIndexes"][0]
    problems = []
    if table.get("KeySchema") != schema["KeySchema"]:
        problems.append("its key is not pk/sk")
    index = indexes.get(GSI_NAME)
    if index is None or index.get("KeySchema") != wanted_index["KeySchema"]:
        problems.append(f"index {GSI_NAME} (gsi1pk/gsi1sk) is missing or different")
    if not problems:
        return Check("DynamoDB", "keys and index", "ok", f"{name}: pk/sk, {GSI_NAME}")
    fix = "recreate the table from deploy/aws/template.yaml (keys cannot change in place; export the data first)"
    return Check("DynamoDB", "keys and index", "fail", f"{name}: {'; '.join(problems)}", fix)


def _stream(table: dict[str, Any], name: str) -> Check:
    stream = table.get("StreamSpecification") or {}
    if stream.get("StreamEnabled") and stream.get("StreamViewType") in {"NEW_IMAGE", "NEW_AND_OLD_IMAGES"}:
        return Check("DynamoDB", "stream", "ok", f"{name}: {stream['StreamViewType']}")
    fix = (f"aws dynamodb update-table --table-name {name} --stream-specification "
           "StreamEnabled=true,StreamViewType=NEW_IMAGE, then sam deploy to reconnect the dispatcher")  # fmt: skip
    return Check("DynamoDB", "stream", "fail", f"{name}: no stream with new images, so the outbox never sends", fix)


def _ttl(dynamodb: Any, name: str) -> Check:
    ttl = dynamodb.describe_time_to_live(TableName=name).get("TimeToLiveDescription") or {}
    status, attribute = ttl.get("TimeToLiveStatus", "DISABLED"), ttl.get("AttributeName")
    if status == "ENABLED" and attribute == TTL_ATTRIBUTE:
        return Check("DynamoDB", "TTL", "ok", f"{name}: on {TTL_ATTRIBUTE}")
    if status == "ENABLING" and attribute == TTL_ATTRIBUTE:
        return Check("DynamoDB", "TTL", "warn", f"{name}: TTL is still being enabled", "wait an hour and re-run")
    fix = (f"aws dynamodb update-time-to-live --table-name {name} "
           f"--time-to-live-specification Enabled=true,AttributeName={TTL_ATTRIBUTE}")  # fmt: skip
    state = f"on {attribute}, not {TTL_ATTRIBUTE}" if status == "ENABLED" else status.lower()
    detail = f"{name}: TTL is {state}; expired items pile up"
    return Check("DynamoDB", "TTL", "fail", detail, fix)
