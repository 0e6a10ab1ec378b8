"""One pass over the account: every service's reader in turn, each refusal a note, then distinct ids
and `used_by` on every row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory import cloudfront, lambda_functions, route53, s3, ses
from firstmate.adapters.aws.inventory.costs import cost_rows
from firstmate.adapters.aws.inventory.reading import attempt
from firstmate.adapters.aws.inventory.result import Inventory
from firstmate.domain.snapshot import InfraService


def collect_inventory(region: str, today: date, *, used_by: Sequence[str] = (), costs: bool = True) -> Inventory:
    """Read the account behind the standard credentials chain: Lambda functions and SES identities in
    `region`, every S3 bucket, CloudFront distribution and Route 53 zone, and last month's bill per
    service when `costs`. Every row gets `used_by`. Never raises for an AWS refusal: it becomes a note."""
    notes: list[str] = []
    account = attempt(notes, "account", partial(_account, region)) or ""
    seen = route53.Seen(notes)
    functions = attempt(notes, "Lambda functions", partial(lambda_functions.functions, region)) or []
    listed = attempt(notes, "S3 buckets", partial(s3.buckets, notes, account))
    buckets, seen.buckets = listed if listed is not None else ([], None)
    found = attempt(notes, "CloudFront", cloudfront.distributions)
    distributions, seen.distributions = found if found is not None else ([], None)
    identities = attempt(notes, "SES identities", partial(ses.identities_by_domain, region)) or {}
    dns = route53.Dns()
    zones = attempt(notes, "Route 53", partial(route53.hosted_zones, seen, dns, set(identities))) or []
    senders = [ses.sender(domain, ids, dns, region) for domain, ids in sorted(identities.items())]
    bill = (attempt(notes, "Cost Explorer", partial(cost_rows, today)) or []) if costs else []
    if not costs:
        notes.append("costs: not asked (--no-costs); monthly_cost stays 0")
    services = _finish([*functions, *buckets, *distributions, *zones, *senders, *bill], used_by)
    return Inventory(account or "unknown", region, services, notes)


def credentials_found() -> bool:
    """Whether the standard credentials chain yields credentials at all (no AWS call is made)."""
    import boto3

    return boto3.session.Session().get_credentials() is not None


def _account(region: str) -> str:
    return str(client("sts", region).get_caller_identity()["Account"])


def _finish(services: list[InfraService], used_by: Sequence[str]) -> list[InfraService]:
    """Distinct ids (a slug can repeat: my_fn and my-fn) and `used_by` on every row, validated again."""
    taken: set[str] = set()
    done = []
    for service in services:
        key, n = service.id, 1
        while key in taken:
            n += 1
            key = f"{service.id[: 40 - len(str(n)) - 1]}-{n}"
        taken.add(key)
        done.append(InfraService.model_validate({**service.model_dump(), "id": key, "used_by": tuple(used_by)}))
    return done
