"""Which runtime a service runs and when its support ends: the end-of-support table, and reading
"Python 3.9", "postgres" + "12.4" or "node 10.24.1" against it. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from firstmate.domain.snapshot import InfraService

#: End of support of runtimes and engines (AWS Lambda deprecation dates, from the "Lambda runtimes" page of
#: the Lambda developer guide; upstream end of life for PHP, PostgreSQL and MySQL). Keys are normalised:
#: lower case, no spaces. A version older than every listed one of its runtime (or of its major version,
#: when that is listed) had lost support by the oldest row's date; a version newer than the rows is unknown.
END_OF_SUPPORT: dict[str, date] = {
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30),
    "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "nodejs22.x": date(2027, 4, 30),
    "nodejs24.x": date(2028, 4, 30),
    "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
    "ruby3.3": date(2027, 3, 31),
    "ruby3.4": date(2028, 3, 31),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet6": date(2024, 12, 20),
    "dotnet8": date(2026, 11, 10),
    "dotnet10": date(2028, 11, 14),
    "go1.x": date(2024, 1, 8),
    "java8": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "php7.3": date(2021, 12, 6),
    "php7.4": date(2022, 11, 28),
    "php8.0": date(2023, 11, 26),
    "php8.1": date(2025, 12, 31),
    "php8.2": date(2026, 12, 31),
    "php8.3": date(2027, 12, 31),
    "php8.4": date(2028, 12, 31),
    "postgres10": date(2022, 11, 10),
    "postgres11": date(2023, 11, 9),
    "postgres12": date(2024, 11, 14),
    "postgres13": date(2025, 11, 13),
    "postgres14": date(2026, 11, 12),
    "postgres15": date(2027, 11, 11),
    "postgres16": date(2028, 11, 9),
    "postgres17": date(2029, 11, 8),
    "mysql5.6": date(2021, 2, 1),
    "mysql5.7": date(2023, 10, 31),
    "mysql8.0": date(2026, 4, 30),
    "mysql8.4": date(2032, 4, 30),
}
#: Lambda identifiers of Amazon Linux 1 runtimes, not of language versions (Go 1.22, or Java 8 as java8.al2,
#: are other runtimes): they match a runtime written exactly so, never a version ("go" + "1.22").
AMAZON_LINUX_1 = frozenset({"go1.x", "java8", "provided"})
_ALIASES = (("postgresql", "postgres"), ("node.js", "nodejs"), ("node", "nodejs"), (".net", "dotnet"))
_VERSIONED = re.compile(r"^([a-z.]*?[a-z])(\d+)(?:\.(\d+|x))?")


def _normalise(text: str) -> str:
    """ "Python 3.9" → "python3.9", "PostgreSQL-12" → "postgres12", "node 18" → "nodejs18", ".NET 6" → "dotnet6"."""
    key = re.sub(r"[\s_-]+", "", text.lower())
    for alias, name in _ALIASES:
        # "nodejs18" already reads so: the alias "node" must not make it "nodejsjs18"
        if key.startswith(alias) and not (len(name) > len(alias) and key.startswith(name)):
            key = name + key[len(alias) :]
            break
    return key


def _lookup(key: str, *, whole: bool = True) -> date | None:
    """The end of support of a normalised runtime, tolerating patch versions and ".x" majors. An Amazon
    Linux 1 identifier matches only a `whole` runtime written as that identifier."""
    if key in END_OF_SUPPORT and (whole or key not in AMAZON_LINUX_1):
        return END_OF_SUPPORT[key]
    match = _VERSIONED.match(key)
    if match is None:
        return None
    name, major, minor = match.groups()
    candidates = [f"{name}{major}.{minor}"] if minor else []
    candidates += [f"{name}{major}", f"{name}{major}.x"]
    return next((END_OF_SUPPORT[c] for c in candidates if c in END_OF_SUPPORT and c not in AMAZON_LINUX_1), None)


def _version(key: str) -> tuple[str, tuple[int, ...]] | None:
    """ "php7.3" → ("php", (7, 3)), "nodejs10.x" → ("nodejs", (10,)); None without a version."""
    match = _VERSIONED.match(key)
    if match is None:
        return None
    name, major, minor = match.groups()
    return name, ((int(major), int(minor)) if minor and minor != "x" else (int(major),))


def _listed_versions(name: str) -> dict[tuple[int, ...], date]:
    """The table's versions of one runtime and their end of support (Amazon Linux 1 identifiers are no
    language version: go1.x is not Go 1)."""
    found = {}
    for key, ends in END_OF_SUPPORT.items():
        parsed = _version(key)
        if parsed is not None and parsed[0] == name and key not in AMAZON_LINUX_1:
            found[parsed[1]] = ends
    return found


def _older_than_listed(key: str) -> date | None:
    """For a version older than the oldest listed of its major version (or, when the table lists none of
    that major, of its runtime), that oldest row's end of support: older releases lose support first."""
    parsed = _version(key)
    if parsed is None:
        return None
    name, version = parsed
    listed = _listed_versions(name)
    same_major = {v: ends for v, ends in listed.items() if v[0] == version[0]}
    if len(version) == 1 and same_major:  # "python3" may be any 3.x: (3,) sorts before (3, 6), and read as past support
        return None
    oldest = min(same_major or listed, default=None)
    return listed[oldest] if oldest is not None and version < oldest else None


@dataclass(frozen=True)
class Support:
    """When a runtime loses support: its own row's date (`exact`), or, for a version older than the
    table's rows, the oldest row's date, by which it had lost support at the latest."""

    ends: date
    exact: bool = True

    @property
    def day(self) -> str:
        """ "14 Nov 2024", or "by 14 Nov 2024" when that is only the latest it can have been."""
        return f"{self.ends:%d %b %Y}" if self.exact else f"by {self.ends:%d %b %Y}"

    @property
    def when(self) -> str:
        """ "on 14 Nov 2024", or "by 14 Nov 2024"."""
        return f"on {self.day}" if self.exact else self.day


def support(service: InfraService) -> Support | None:
    """When the service's runtime loses support: from `runtime` alone ("python3.9"), or runtime plus
    version ("postgres" + "12"); None when the table cannot say (no runtime, or a version it does not list)."""
    if not service.runtime:
        return None
    keys = [(_normalise(service.runtime), True)]
    if service.version and _version(keys[0][0]) is None:  # "python3.14" + "1.0" is an app's version, not 3.141
        keys.append((_normalise(service.runtime + service.version.lstrip("^~>=v")), False))
    for key, whole in keys:
        if (ends := _lookup(key, whole=whole)) is not None:
            return Support(ends)
    for key, _ in keys:
        if (ends := _older_than_listed(key)) is not None:
            return Support(ends, exact=False)
    return None


def end_of_support(service: InfraService) -> date | None:
    """The day `support` names (for a version older than the table's rows, the latest it can have been)."""
    found = support(service)
    return found.ends if found is not None else None


def runtime_label(service: InfraService) -> str:
    """The runtime as reports name it: "python3.9", or "postgres 12.4" when only the version says which one."""
    if service.version and _version(_normalise(service.runtime)) is None:
        return f"{service.runtime} {service.version}".strip()
    return service.runtime
