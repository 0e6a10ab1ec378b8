"""The CTO's checks on infrastructure rows: runtime end of support, unpinned versions, and the security
hardening checklist (secrets in plain config, public storage, TLS, SPF/DKIM/DMARC, dangling DNS records).
Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.reports.document import Finding, Severity
from firstmate.domain.reports.format import plural
from firstmate.domain.snapshot import InfraService

ROLE = "cto"

# Severity guide (all lenses): HIGH = money at stake ≥ 1,000, a security or legal exposure, or a goal
# missed by more than 20%; MEDIUM = smaller money or a clear gap; LOW = hygiene.

#: End of support of runtimes and engines (AWS Lambda deprecation dates, from the "Lambda runtimes" page of
#: the Lambda developer guide; upstream end of life for PHP, PostgreSQL and MySQL). Keys are normalised:
#: lower case, no spaces.
END_OF_SUPPORT: dict[str, date] = {
    "python2.7": date(2021, 7, 15),
    "python3.6": date(2022, 7, 18),
    "python3.7": date(2023, 12, 4),
    "python3.8": date(2024, 10, 14),
    "python3.9": date(2025, 12, 15),
    "python3.10": date(2026, 6, 30),
    "python3.11": date(2026, 6, 30),
    "nodejs10.x": date(2021, 7, 30),
    "nodejs12.x": date(2023, 3, 31),
    "nodejs14.x": date(2023, 12, 4),
    "nodejs16.x": date(2024, 6, 12),
    "nodejs18.x": date(2025, 9, 1),
    "nodejs20.x": date(2026, 4, 30),
    "ruby2.7": date(2023, 12, 7),
    "ruby3.2": date(2026, 3, 31),
    "dotnetcore3.1": date(2023, 4, 3),
    "dotnet6": date(2024, 12, 20),
    "go1.x": date(2024, 1, 8),
    "java8": date(2024, 1, 8),
    "provided": date(2024, 1, 8),
    "php7.4": date(2022, 11, 28),
    "php8.0": date(2023, 11, 26),
    "php8.1": date(2025, 12, 31),
    "postgres11": date(2023, 11, 9),
    "postgres12": date(2024, 11, 14),
    "mysql5.7": date(2023, 10, 31),
}
#: Lambda identifiers of Amazon Linux 1 runtimes, not of language versions (Go 1.22, or Java 8 as java8.al2,
#: are still supported): they match a runtime written exactly so, never a version ("go" + "1.22").
AMAZON_LINUX_1 = frozenset({"go1.x", "java8", "provided"})
WARN_AHEAD = timedelta(days=180)  # half a year is the least time to plan and test a runtime upgrade
PINNED_KINDS = frozenset({"function", "hosting", "database"})
#: Kinds that serve HTTP and so must have TLS; another row is checked only when it says (a DNS zone has none).
TLS_KINDS = frozenset({"hosting", "cdn", "function"})
#: A domain row's config entry "dangling <record>" (value: where it points and why that is gone) names a
#: record whose target no longer exists; an entry "records" (their count) says the records were read.
DANGLING, RECORDS = "dangling ", "records"
_LISTED = 10  # dangling records named in one finding; the rest are counted
_ALIASES = (("postgresql", "postgres"), ("node.js", "nodejs"), ("node", "nodejs"), (".net", "dotnet"))
_VERSIONED = re.compile(r"^([a-z.]*?[a-z])(\d+)(?:\.(\d+|x))?")
YES, NO, UNKNOWN = "✓", "✗", "unknown"
_ARTICLE = {"SPF": "an", "DKIM": "a", "DMARC": "a"}


def finding(what: str, which: str, title: str, detail: str, severity: Severity, money: Decimal = Decimal(0)) -> Finding:
    """A CTO finding, owned by the CTO, keyed "cto:<what>:<which>"."""
    return Finding(
        key=f"{ROLE}:{what}:{which}",
        title=title,
        detail=detail,
        severity=severity,
        owner=ROLE,
        money_at_stake=money,
        lens=ROLE,
    )


def key_part(text: str) -> str:
    """A key-safe form of a name: "STRIPE_SECRET_KEY" → "stripe-secret-key"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


# --- runtimes and versions -----------------------------------------------------------------------


def _normalise(text: str) -> str:
    """ "Python 3.9" → "python3.9", "PostgreSQL-12" → "postgres12", "node 18" → "nodejs18", ".NET 6" → "dotnet6"."""
    key = re.sub(r"[\s_-]+", "", text.lower())
    for alias, name in _ALIASES:
        if key.startswith(alias) and not key.startswith(name):
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


def end_of_support(service: InfraService) -> date | None:
    """When the service's runtime loses support: from `runtime` alone ("python3.9"), or runtime plus
    version ("postgres" + "12"); None when the runtime is not in the table."""
    if not service.runtime:
        return None
    found = _lookup(_normalise(service.runtime))
    if found is None and service.version:
        found = _lookup(_normalise(service.runtime + service.version.lstrip("^~>=v")), whole=False)
    return found


def runtime_label(service: InfraService) -> str:
    """The runtime as reports name it: "python3.9", or "postgres 12.4" when the version says which one."""
    if service.version and _lookup(_normalise(service.runtime)) is None:
        return f"{service.runtime} {service.version}".strip()
    return service.runtime


def unpinned(service: InfraService) -> bool:
    """A version that can change under you: empty for functions, hosting and databases; "latest", "*",
    "x"; or a range starting with ^, ~ or >."""
    version = service.version.strip().lower()
    if not version:
        return service.kind in PINNED_KINDS
    return version in {"latest", "*", "x"} or version.startswith(("^", "~", ">"))


def runtime_status(service: InfraService, as_of: date) -> str:
    """The stack table's status cell: support state, then whether the version is pinned."""
    eol = end_of_support(service)
    parts = []
    if eol is not None and eol <= as_of:
        parts.append(f"past end of support ({eol:%d %b %Y})")
    elif eol is not None and eol - as_of <= WARN_AHEAD:
        parts.append(f"deprecated on {eol:%d %b %Y}")
    elif eol is not None:
        parts.append(f"supported until {eol:%d %b %Y}")
    if unpinned(service):
        parts.append("unpinned")
    return "; ".join(parts) or "ok"


def stack_findings(service: InfraService, as_of: date) -> list[Finding]:
    """HIGH when the runtime is past its end of support, MEDIUM within 180 days, LOW when unpinned."""
    found = []
    eol = end_of_support(service)
    if eol is not None and eol - as_of <= WARN_AHEAD:
        past, runtime = eol <= as_of, runtime_label(service)
        found.append(
            finding(
                "runtime",
                service.id,
                f"Upgrade {service.name} off {runtime}: "
                + (f"support ended {eol:%d %b %Y}" if past else f"support ends {eol:%d %b %Y}"),
                f"{runtime} {'lost' if past else 'loses'} support on {eol:%d %b %Y}: no security "
                "patches after that date, and platforms stop accepting deploys on it.",
                # past support is an open security exposure; soon is a planned gap
                Severity.HIGH if past else Severity.MEDIUM,
            )
        )
    if unpinned(service):
        shown = f"now '{service.version}'" if service.version else "none given"
        found.append(
            finding(
                "unpinned",
                service.id,
                f"Pin the version of {service.name} ({shown})",
                f"{service.name} ({service.kind}) has no fixed version ({shown}): a rebuild can pick up a new major "
                "version without anyone deciding to. Write the exact version in infrastructure.yaml.",
                Severity.LOW,
            )
        )
    return found


# --- security checklist --------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One line of the hardening checklist."""

    check: str
    status: str  # ✓, ✗ or unknown
    where: str


def _mark(value: bool | None) -> str:
    return UNKNOWN if value is None else (YES if value else NO)


def security(service: InfraService) -> tuple[list[Check], list[Finding]]:
    """The checks that apply to one service, and a finding for every failed one."""
    checks: list[Check] = []
    found: list[Finding] = []
    _secrets(service, checks, found)
    if service.kind == "storage" or service.public is not None:
        checks.append(Check("Storage not public", _mark(None if service.public is None else not service.public),
                            service.name))  # fmt: skip
        if service.public:
            found.append(
                finding("public-storage", service.id, f"Make {service.name} private",
                        f"{service.name} is readable by anyone on the internet: guest lists, waivers or "
                        "invoices stored there are exposed. Block public access and serve files by signed link.",
                        Severity.HIGH)
            )  # fmt: skip
    if service.kind in TLS_KINDS or service.tls is not None:
        checks.append(Check("TLS (HTTPS) on", _mark(service.tls), service.name))
        if service.tls is False:
            found.append(
                finding("tls-off", service.id, f"Turn on TLS for {service.name}",
                        f"{service.name} ({service.kind}) serves without TLS: logins and payment details "
                        "travel in clear text. Add a certificate and redirect HTTP to HTTPS.", Severity.HIGH)
            )  # fmt: skip
    if service.kind == "domain":
        _dangling(service, checks, found)
    if service.sending_domain:
        _mail_auth(service, checks, found)
    return checks, found


def _secrets(service: InfraService, checks: list[Check], found: list[Finding]) -> None:
    """Secret-named or secret-shaped settings kept in the service's plain config; names only."""
    if not service.config:
        return
    names = sorted(e.name for e in service.config if e.secret and e.is_set)
    where = f"{service.name}: {', '.join(names)}" if names else service.name
    checks.append(Check("No secrets in plain service config", NO if names else YES, where))
    found += [
        finding(
            "secret-in-config",
            f"{service.id}:{key_part(name)}",
            f"Move {name} of {service.name} to the secrets store",
            f"{name} is a secret kept in {service.name}'s plain configuration, readable by anyone who can read "
            "the config. Put it in the secrets store, read it at start-up, and rotate it.",
            Severity.HIGH,
        )
        for name in names
    ]


def dangling_records(service: InfraService) -> list[tuple[str, str]]:
    """A domain's records that point at nothing, as (record, where it points and why that is gone), sorted."""
    if service.kind != "domain":
        return []
    return sorted(
        (e.name.removeprefix(DANGLING).strip() or e.name, e.value or "")
        for e in service.config
        if e.name.startswith(DANGLING)
    )


def _dangling(service: InfraService, checks: list[Check], found: list[Finding]) -> None:
    """HIGH for a zone with records whose target is gone: whoever creates a bucket or distribution of
    that name serves their own pages on the subdomain. No line when the records were never read."""
    records = dangling_records(service)
    if not records and not any(e.name == RECORDS for e in service.config):
        return
    names = [name for name, _ in records]
    where = f"{service.name}: {', '.join(names)}" if names else service.name
    checks.append(Check("No dangling DNS records", NO if names else YES, where))
    if not records:
        return
    n = len(records)
    listed = "; ".join(f"{name}: {target}" if target else name for name, target in records[:_LISTED])
    more = f"; and {n - _LISTED} more" if n > _LISTED else ""
    record, target = ("the record", "its target") if n == 1 else ("the records", "their targets")
    found.append(
        finding("dangling-dns", service.id,
                f"Fix {plural(n, 'dangling DNS record')} in {service.name}: delete {record} or recreate {target}",
                f"{listed}{more}. {'It points' if n == 1 else 'Each points'} at a bucket, distribution or "
                "environment that no longer exists: anyone who creates one with that name takes over the "
                "subdomain and serves their own pages (phishing, stolen cookies) under your domain. Delete "
                "the record, or recreate the target.", Severity.HIGH)
    )  # fmt: skip


def _mail_auth(service: InfraService, checks: list[Check], found: list[Finding]) -> None:
    """SPF, DKIM and DMARC of a sending domain: missing is MEDIUM, DMARC missing with SPF missing HIGH."""
    domain = service.sending_domain
    where = f"{domain} ({service.name})"
    records = (("SPF", service.spf), ("DKIM", service.dkim), ("DMARC", service.dmarc))
    for label, value in records:
        checks.append(Check(f"{label} record", _mark(value), where))
        if value is False:
            # with neither SPF nor DMARC anyone can send mail as the domain: spoofing risk
            high = label == "DMARC" and service.spf is False
            found.append(
                finding(label.lower(), service.id, f"Publish {_ARTICLE[label]} {label} record for {domain}",
                        f"{domain} sends mail through {service.name} without {label}: mail lands in spam and the "
                        "domain can be spoofed." + (" SPF is missing too." if high else ""),
                        Severity.HIGH if high else Severity.MEDIUM)
            )  # fmt: skip
    unknown = [label for label, value in records if value is None]
    if unknown:
        found.append(
            finding("mail-auth-unknown", service.id, f"Check the {'/'.join(unknown)} records of {domain}",
                    f"infrastructure.yaml does not say whether {domain} has {', '.join(unknown)}: look them up in "
                    "DNS and record the answer.", Severity.LOW)
        )  # fmt: skip
