"""Lambda functions as rows: size, runtime, the pinned package, and each environment variable's name
(set or empty, secret-looking or not). Each value is looked at once, in memory, then dropped."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from firstmate.adapters.aws.clients import client
from firstmate.adapters.aws.inventory.reading import entry, slug
from firstmate.domain.redaction import ConfigEntry, secret_setting
from firstmate.domain.snapshot import InfraService


def functions(region: str) -> list[InfraService]:
    """Every Lambda function in `region`, one row each."""
    pages = client("lambda", region).get_paginator("list_functions").paginate()
    return [_function(fn, region) for page in pages for fn in page.get("Functions", [])]


def _function(fn: Mapping[str, Any], region: str) -> InfraService:
    environment = fn.get("Environment") or {}
    entries = [
        entry("memory_mb", fn.get("MemorySize")),
        entry("timeout_s", fn.get("Timeout")),
        entry("architecture", ", ".join(fn.get("Architectures") or [])),
        entry("package_type", fn.get("PackageType", "Zip")),
        *_environment_entries(environment.get("Variables") or {}),
    ]
    if environment.get("Error"):
        entries.append(entry("environment_error", "Lambda could not decrypt the environment"))
    return InfraService(
        id=slug("lambda", fn["FunctionName"]),
        name=f"{fn['FunctionName']} (Lambda, {region})",
        kind="function",
        runtime=fn.get("Runtime", ""),
        version=_code_version(fn.get("CodeSha256", "")),
        tls=True,  # Lambda's invoke API and function URLs answer over HTTPS only
        config=tuple(entries),
    )


def _environment_entries(variables: Mapping[str, str]) -> list[ConfigEntry]:
    """Names only: set or empty, and secret by name or by the shape of the value (`secret_setting`). The value
    is not kept."""
    return [
        ConfigEntry(name=name[:120], is_set=bool(value.strip()), secret=secret_setting(name, value))
        for name, value in sorted(variables.items())
    ]


def _code_version(code_sha256: str) -> str:
    """A deployed package never changes under the function: its hash is the version that is pinned."""
    try:
        return "sha256:" + base64.b64decode(code_sha256, validate=True).hex()[:12] if code_sha256 else ""
    except (binascii.Error, ValueError):
        return ""
