"""CloudFront distributions as rows: aliases, certificate, TLS policy and viewer protocol."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory.reading import GLOBAL, entry, slug
from firstmate.domain.snapshot import InfraService

#: CloudFront security policies that still accept SSLv3, TLS 1.0 or TLS 1.1.
WEAK_TLS = frozenset({"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"})


def distributions() -> tuple[list[InfraService], set[str]]:
    """Every distribution, one row each, and their *.cloudfront.net domains."""
    cf = client("cloudfront", GLOBAL)
    rows, domains = [], set()
    for page in cf.get_paginator("list_distributions").paginate():
        for summary in page.get("DistributionList", {}).get("Items") or []:
            config = cf.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
            rows.append(_distribution(summary, config))
            domains.add(summary["DomainName"].lower().rstrip("."))
    return rows, domains


def _distribution(summary: Mapping[str, Any], config: Mapping[str, Any]) -> InfraService:
    aliases = (config.get("Aliases") or {}).get("Items") or []
    cert = config.get("ViewerCertificate") or {}
    custom = "ACM" if cert.get("ACMCertificateArn") else ("IAM" if cert.get("IAMCertificateId") else "")
    issue = _tls_issue(config, custom)
    entries = [
        entry("domain", summary["DomainName"]),
        entry("aliases", ", ".join(aliases)),
        entry("certificate", custom or "CloudFront default (*.cloudfront.net, TLSv1 fixed by AWS)"),
        entry("minimum_tls", cert.get("MinimumProtocolVersion")),
        entry("viewer_protocol", (config.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy")),
        entry("default_root_object", config.get("DefaultRootObject")),
        entry("enabled", "yes" if config.get("Enabled") else "no"),
        *([entry("tls_issue", issue)] if issue else []),
    ]
    name = aliases[0] if aliases else summary["DomainName"]
    return InfraService(id=slug("cloudfront", summary["Id"]), name=f"{name} (CloudFront)", kind="cdn",
                        tls=not issue, config=tuple(entries))  # fmt: skip


def _tls_issue(config: Mapping[str, Any], custom: str) -> str:
    """Why viewers may reach the distribution without good TLS ("" when they cannot). On the default
    certificate AWS fixes the policy at TLSv1: only a custom certificate's policy is the owner's choice."""
    cert = config.get("ViewerCertificate")
    if not cert:
        return "no viewer certificate"
    if (config.get("DefaultCacheBehavior") or {}).get("ViewerProtocolPolicy") == "allow-all":
        return "plain HTTP allowed (viewer protocol allow-all)"
    policy = cert.get("MinimumProtocolVersion", "")
    return f"minimum protocol {policy}" if custom and policy in WEAK_TLS else ""
