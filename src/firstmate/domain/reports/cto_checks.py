"""The CTO's checks on infrastructure rows: runtime end of support, unpinned versions, and the security
hardening checklist (secrets in plain config, public storage, TLS, SPF/DKIM/DMARC, dangling DNS records).
Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from firstmate.domain.reports.cto_runtimes import Support, runtime_label, support
from firstmate.domain.reports.document import Finding, Severity
from firstmate.domain.reports.format import plural
from firstmate.domain.snapshot import InfraService

ROLE = "cto"

# Severity guide (all lenses): HIGH = money at stake ≥ 1,000, a security or legal exposure, or a goal
# missed by more than 20%; MEDIUM = smaller money or a clear gap; LOW = hygiene. Money in a dollar's worth,
# scaled to the currency (`in_units_of`: ¥100,000).

WARN_AHEAD = timedelta(days=180)  # half a year is the least time to plan and test a runtime upgrade
PINNED_KINDS = frozenset({"function", "hosting", "database"})
#: Kinds that serve HTTP and so must have TLS; another row is checked only when it says (a DNS zone has none).
TLS_KINDS = frozenset({"hosting", "cdn", "function"})
#: A domain row's config entry "dangling <record>" (value: where it points and why that is gone) names a
#: record whose target no longer exists; an entry "records" (their count) says the records were read.
DANGLING, RECORDS = "dangling ", "records"
_LISTED = 10  # dangling records named in one finding; the rest are counted
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


def unpinned(service: InfraService) -> bool:
    """A version that can change under you: empty for functions, hosting and databases; "latest", "*",
    "x"; or a range starting with ^, ~ or >."""
    version = service.version.strip().lower()
    if not version:
        return service.kind in PINNED_KINDS
    return version in {"latest", "*", "x"} or version.startswith(("^", "~", ">"))


def _support_status(found: Support | None, as_of: date) -> str:
    """ "past end of support (14 Nov 2024)", "deprecated on …", "supported until …", or "unknown"."""
    if found is None:
        return UNKNOWN
    if found.ends <= as_of:
        return f"past end of support ({found.day})"
    if found.ends - as_of <= WARN_AHEAD:
        return f"deprecated {found.when}"
    return f"supported until {found.ends:%d %b %Y}" + ("" if found.exact else " at the latest")


def runtime_status(service: InfraService, as_of: date) -> str:
    """The stack table's status cell: support state (when there is a runtime), then whether the version is
    pinned; "ok" when neither has anything to say."""
    parts = [_support_status(support(service), as_of)] if service.runtime else []
    if unpinned(service):
        parts.append("unpinned")
    return "; ".join(parts) or "ok"


def stack_findings(service: InfraService, as_of: date) -> list[Finding]:
    """HIGH when the runtime is past its end of support, MEDIUM within 180 days, LOW when the table cannot
    date it or the version is unpinned."""
    found = []
    dated = support(service)
    if dated is not None and dated.ends - as_of <= WARN_AHEAD:
        found.append(_support_finding(service, dated, past=dated.ends <= as_of))
    if service.runtime and dated is None:  # a runtime the table cannot date is no runtime known to be fine
        runtime = runtime_label(service)
        found.append(
            finding("runtime-unknown", service.id, f"Check when {runtime} of {service.name} loses support",
                    f"{runtime} is not in firstmate's end-of-support table, so this report cannot say whether it "
                    "still gets security patches. Look up its end of life (the vendor's page, or "
                    "endoflife.date) and plan the upgrade if it is past or within six months.", Severity.LOW)
        )  # fmt: skip
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


def _support_finding(service: InfraService, dated: Support, *, past: bool) -> Finding:
    runtime = runtime_label(service)
    return finding(
        "runtime",
        service.id,
        f"Upgrade {service.name} off {runtime}: "
        + (f"support ended {dated.day}" if past else f"support ends {dated.day}"),
        f"{runtime} {'lost' if past else 'loses'} support {dated.when}: no security "
        "patches after that date, and platforms stop accepting deploys on it.",
        # past support is an open security exposure; soon is a planned gap
        Severity.HIGH if past else Severity.MEDIUM,
    )


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
