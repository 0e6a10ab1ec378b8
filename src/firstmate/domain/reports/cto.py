"""The CTO lens: the stack and its runtimes, the security hardening checklist, what infrastructure costs
and where to save, the UX debt, and how mature software delivery is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from firstmate.domain.currencies import in_units_of
from firstmate.domain.reports import cto_checks as checks
from firstmate.domain.reports import cto_runtimes as runtimes
from firstmate.domain.reports.cto_checks import ROLE, finding, key_part
from firstmate.domain.reports.document import Card, Finding, ReportDocument, Section, Severity, Table, Tone, compose
from firstmate.domain.reports.format import money, plural, priced, shown_total
from firstmate.domain.snapshot import InfraService, Snapshot

NO_INFRA = "No infrastructure recorded yet: add infrastructure.yaml to the data folder."
CONSOLIDATE_KINDS = frozenset({"email", "hosting", "database", "cdn"})
MEDIUM_SAVING = Decimal(50)  # a month; below this a saving is hygiene
HIGH_SAVING = Decimal(1000)  # the org-wide HIGH threshold
IMPACT_RANK = {"high": 0, "medium": 1, "low": 2}


def cto_report(snapshot: Snapshot) -> ReportDocument:
    """The CTO's report: stack audit, security checklist, infrastructure cost and savings, UX debt,
    delivery maturity."""
    parts = [
        _stack_section(snapshot),
        _security_section(snapshot),
        _cost_section(snapshot),
        _ux_section(snapshot),
        _maturity_section(snapshot),
    ]
    findings = tuple(f for _, found in parts for f in found)
    return compose(ROLE, snapshot, _headline(snapshot, findings), tuple(section for section, _ in parts), findings)


def _services(snapshot: Snapshot) -> list[InfraService]:
    return sorted(snapshot.infrastructure, key=lambda s: (s.name.lower(), s.id))


def _headline(snapshot: Snapshot, findings: tuple[Finding, ...]) -> str:
    """High-risk security gaps, the monthly savings, and the worst runtime."""
    if not snapshot.infrastructure:
        return NO_INFRA
    security = {"secret-in-config", "public-storage", "tls-off", "spf", "dkim", "dmarc", "dangling-dns"}
    high = sum(1 for f in findings if f.severity is Severity.HIGH and f.key.split(":")[1] in security)
    # the findings' savings in the org's currency, added as they show
    saving = shown_total(s.monthly for s in _savings(snapshot) if s.currency == snapshot.currency)
    parts = [
        f"{plural(high, 'high-risk security gap')}" if high else "no high-risk security gaps",
        f"{money(saving, snapshot.currency)}/month of savings available" if saving else "no savings found",
    ]
    dated = sorted(
        (eol, s.name, runtimes.runtime_label(s)) for s in snapshot.infrastructure if (eol := runtimes.end_of_support(s))
    )
    past = [d for d in dated if d[0] <= snapshot.as_of]
    if past:
        more = f" and {len(past) - 1} more are" if len(past) > 1 else " is"
        parts.append(f"runtime {past[0][2]} ({past[0][1]}){more} past end of support")
    elif dated and dated[0][0] - snapshot.as_of <= checks.WARN_AHEAD:
        parts.append(f"runtime {dated[0][2]} ({dated[0][1]}) loses support on {dated[0][0]:%d %b %Y}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _stack_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Every service with its runtime, version and support status."""
    title = "Stack audit"
    method = (
        "infrastructure.yaml: each service's runtime and version, checked against the built-in end-of-support "
        "table (AWS Lambda deprecation dates; upstream end of life for PHP, PostgreSQL, MySQL) at the snapshot "
        "date: past the date = deprecated, within 180 days = deprecating. A version older than the table's oldest "
        "of its major version (or, with none of that major, of its runtime) is past support by that row's date; "
        "a runtime the table does not list is 'unknown', with a finding to look it up. The Amazon Linux 1 Lambda "
        "runtimes go1.x, java8 and provided count only when written so, not as a language version. Unpinned = an empty "
        "version on a function, hosting or database, or 'latest', '*', 'x', or a range starting with ^, ~ or >."
    )
    services = _services(snapshot)
    if not services:
        return Section(title, summary=NO_INFRA, method=method), []
    rows = tuple(
        (s.name, s.kind, s.runtime or "—", s.version or "—", checks.runtime_status(s, snapshot.as_of)) for s in services
    )
    findings = [f for s in services for f in checks.stack_findings(s, snapshot.as_of)]
    table = Table(columns=("Service", "Kind", "Runtime", "Version", "Status"), rows=rows, title="Services")
    summary = f"{plural(len(services), 'service')}; {plural(len(findings), 'runtime or version issue')}."
    return Section(title, summary=summary, tables=(table,), method=method), findings


def _security_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """The hardening checklist over every service, and firstmate's own settings (names, never secrets)."""
    title = "Security hardening"
    method = (
        "infrastructure.yaml: config entries marked secret and set (names only: values never reach the "
        "snapshot), public storage, TLS on hosting/CDN/functions (on other rows only when tls is given: a DNS "
        "zone has no TLS of its own), SPF/DKIM/DMARC of sending domains, dangling DNS records (a domain's "
        "'dangling <record>' config entries, as 'firstmate aws inventory' writes them: one HIGH finding per "
        "domain; ✓ when its 'records' entry shows the records were read and none dangles); firstmate's own "
        "settings from its configuration, secrets shown only as set/missing."
    )
    rows: list[tuple[str, str, str]] = []
    findings: list[Finding] = []
    for service in _services(snapshot):
        found_checks, found = checks.security(service)
        rows += [(c.check, c.status, c.where) for c in found_checks]
        findings += found
    tables = []
    if rows:
        tables.append(Table(columns=("Check", "Status", "Where"), rows=tuple(rows), title="Hardening checklist"))
    settings = sorted(snapshot.config, key=lambda e: e.name)
    if settings:
        # a secret's value is never shown, even if one slipped through: only its state
        shown = tuple(
            (e.name, "secret", e.state)
            if e.secret
            else (e.name, "setting", e.value if e.is_set and e.value else "missing")
            for e in settings
        )
        tables.append(Table(columns=("Setting", "Kind", "Value"), rows=shown, title="firstmate settings"))
    high = sum(1 for f in findings if f.severity is Severity.HIGH)
    failed = sum(1 for r in rows if r[1] == checks.NO)
    summary = f"{failed} of {len(rows)} checks failed; {plural(high, 'high-risk gap')}."
    if not snapshot.infrastructure:
        summary = NO_INFRA
    if not settings:
        summary += " No firstmate settings in the snapshot."
    return Section(title, summary=summary, tables=tuple(tables), method=method), findings


@dataclass(frozen=True)
class Saving:
    """A concrete monthly saving and the services it touches, in their currency."""

    what: str  # cancel | consolidate | switch
    services: tuple[InfraService, ...]
    monthly: Decimal
    title: str
    detail: str
    currency: str = ""  # the org's when empty


def _savings(snapshot: Snapshot) -> list[Saving]:
    """Cancel unused services, then consolidate duplicates, then switch to cheaper alternatives; each
    service is counted once so the savings add up. Services are weighed against those of their own currency
    alone: the org's first, then each other (an AWS bill's USD), whose savings say their currency."""
    org = snapshot.currency
    by_currency: dict[str, list[InfraService]] = defaultdict(list)
    for s in _services(snapshot):
        by_currency[s.currency or org].append(s)
    found: list[Saving] = []
    for cur in sorted(by_currency, key=lambda c: (c != org, c)):
        found += _savings_in(by_currency[cur], cur, org, _dependants(snapshot))
    return found


def _savings_in(services: list[InfraService], cur: str, org: str, names: dict[str, str]) -> list[Saving]:
    """`_savings` of services all of currency `cur`."""

    def price(amount: Decimal) -> str:
        return priced(amount, cur, org)

    found = [
        Saving("cancel", (s,), s.monthly_cost, f"Cancel {s.name}: nothing depends on it",
               f"{s.name} ({s.kind}) costs {price(s.monthly_cost)} a month and infrastructure.yaml lists no "
               "business line or asset using it.", cur)
        for s in services
        if not s.used_by and s.monthly_cost > 0
    ]  # fmt: skip
    found += _consolidations(services, cur, org, names)
    # a cancelled service, or one dropped in a consolidation, saves its whole cost: no switch on top
    gone = {s.id for saving in found for s in (saving.services if saving.what == "cancel" else saving.services[1:])}
    for s in services:
        if s.id in gone or not s.cheaper_alternative or s.alternative_cost is None:
            continue
        diff = s.monthly_cost - s.alternative_cost
        if diff > 0:
            found.append(
                Saving("switch", (s,), diff, f"Move {s.name} to {s.cheaper_alternative}",
                       f"{s.name} costs {price(s.monthly_cost)} a month, {s.cheaper_alternative} "
                       f"{price(s.alternative_cost)}: {price(s.monthly_cost)} − "
                       f"{price(s.alternative_cost)} = {price(diff)} a month.", cur)
            )  # fmt: skip
    return found


def _dependants(snapshot: Snapshot) -> dict[str, str]:
    """Readable names of what a service can be used by: business lines and assets."""
    return {e.id: e.name for e in snapshot.entities} | {a.id: a.name for a in snapshot.assets}


def _consolidations(services: list[InfraService], cur: str, org: str, names: dict[str, str]) -> list[Saving]:
    """Two or more services of one kind (email, hosting, database, CDN) serving the same dependants: keep
    the priciest (likely the most capable), drop the others; the saving is their cost, an estimate."""
    groups: dict[tuple[str, tuple[str, ...]], list[InfraService]] = defaultdict(list)
    for s in services:
        if s.kind in CONSOLIDATE_KINDS and s.used_by:
            groups[(s.kind, tuple(sorted(set(s.used_by))))].append(s)
    found = []
    for (kind, _), group in sorted(groups.items()):
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda s: (-s.monthly_cost, s.name.lower(), s.id))
        keep, drop = ordered[0], ordered[1:]
        saving = sum((s.monthly_cost for s in drop), Decimal(0))
        if saving <= 0:
            continue
        dropped = ", ".join(s.name for s in drop)
        users = ", ".join(sorted(names.get(u, u) for u in set(keep.used_by)))
        found.append(
            Saving("consolidate", (keep, *drop), saving, f"Consolidate {dropped} into {keep.name}",
                   f"{plural(len(group), kind + ' service')} serve the same business lines "
                   f"({users}): keeping {keep.name} and dropping {dropped} saves "
                   f"about {priced(saving, cur, org)} a month (an estimate: check {keep.name}'s plan covers the "
                   "load).", cur)
        )  # fmt: skip
    return found


def saving_severity(monthly: Decimal, currency: str) -> Severity:
    """A monthly saving's severity: the org-wide guide puts ≥ 1,000 at HIGH; the CTO's own bar for MEDIUM is 50 a
    month; each a dollar's worth, in the saving's own currency (¥100,000 and ¥5,000). The CEO's "used by nothing"
    weighs a service so too."""
    if monthly >= in_units_of(HIGH_SAVING, currency):
        return Severity.HIGH
    return Severity.MEDIUM if monthly >= in_units_of(MEDIUM_SAVING, currency) else Severity.LOW


def _cost_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Monthly cost per service, the total, and every concrete saving."""
    title = "Infrastructure cost and savings"
    method = (
        "infrastructure.yaml monthly_cost per service, summed as the rows show it (each to the whole unit, so "
        "the rows add up to the total; the JSON's raw figure is the exact sum). Savings, each service counted once: "
        "(a) no used_by → cancel, saving = its cost; (b) two or more email/hosting/database/CDN services with "
        "the same used_by → keep the priciest, saving = the others' cost (an estimate); (c) a cheaper_alternative "
        "→ saving = monthly_cost − alternative_cost when positive. The savings a month are each saving as its finding "
        "shows it (in whole units) added; annual = that × 12. A service whose costs are in another currency (its "
        "currency field: an AWS bill is in USD) is totalled apart, in that currency, weighed for savings against "
        "services of that currency alone, and added to none of the figures in business.yaml's currency."
    )
    services = _services(snapshot)
    if not services:
        return Section(title, summary=NO_INFRA, method=method), []
    cur = snapshot.currency
    everything = _savings(snapshot)
    savings = [v for v in everything if v.currency == cur]
    own = [s for s in services if s.in_currency(cur)]
    total = sum((s.monthly_cost for s in own), Decimal(0))
    shown = money(shown_total(s.monthly_cost for s in own), cur)  # the rows below, added as shown
    saving = sum((s.monthly for s in savings), Decimal(0))
    # the findings' savings added as they show them, and a year twelve of that month: $74.40 read $74 and $893
    monthly = shown_total(s.monthly for s in savings)
    tone, marker = (Tone.ALERT, "[ALERT]") if saving > 0 else (Tone.OK, "[OK]")
    cards = [
        Card("Monthly infrastructure cost", shown, raw=total),
        Card("Possible savings / month", money(monthly, cur), tone=tone, marker=marker, raw=saving),
        Card("Possible savings / year", money(monthly * 12, cur), tone=tone, marker=marker, raw=saving * 12),
    ]
    # costs of another currency (an AWS bill in USD) beside the org's, never added to them
    foreign: dict[str, list[InfraService]] = defaultdict(list)
    for s in services:
        if not s.in_currency(cur):
            foreign[s.currency or cur].append(s)
    apart = []
    for code, rows_of in sorted(foreign.items()):
        amount = shown_total(s.monthly_cost for s in rows_of)
        note = f"not added to the {cur} figures"
        cards.insert(1, Card(f"Monthly infrastructure cost in {code}", money(amount, code), note=note, raw=amount))
        apart.append(
            f"{priced(amount, code, cur)} a month across {plural(len(rows_of), 'service')} billed in {code}, not added "
            f"to the {cur} figures"
        )
    ideas = {s.id: saving_.title for saving_ in everything for s in saving_.services}
    names = _dependants(snapshot)
    rows = tuple(
        (s.name, s.kind, ", ".join(sorted(names.get(u, u) for u in s.used_by)) or "nothing",
         priced(s.monthly_cost, s.currency, cur), ideas.get(s.id, ""))
        for s in sorted(services, key=lambda s: (not s.in_currency(cur), -s.monthly_cost, s.name.lower(), s.id))
    )  # fmt: skip
    findings = [
        finding(v.what, "+".join(s.id for s in v.services),
                f"{v.title} (save {priced(v.monthly, v.currency, cur)}/month)", v.detail,
                saving_severity(v.monthly, v.currency),
                # money at stake is the org's currency, added in the CEO's plan: another's is said, not added
                v.monthly if v.currency == cur else Decimal(0))
        for v in everything
    ]  # fmt: skip
    table = Table(columns=("Service", "Kind", "Used by", "Monthly", "Saving idea"), rows=rows, title="Per service")
    summary = f"{shown} a month across {plural(len(own), 'service')}; {money(monthly, cur)} can go."
    summary += "".join(f" Also {part}." for part in apart)
    return Section(title, summary=summary, cards=tuple(cards), tables=(table,), method=method), findings


def _ux_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Known UX rough edges, high impact first; each high-impact one is a finding."""
    title = "UX debt"
    method = "ux_debt in business.yaml, sorted by impact (high, medium, low), then area and title."
    items = sorted(snapshot.finance.ux_debt, key=lambda d: (IMPACT_RANK[d.impact], d.area.lower(), d.title.lower()))
    if not items:
        return Section(title, summary="No UX debt recorded: list known rough edges as ux_debt in business.yaml.",
                       method=method), []  # fmt: skip
    findings: list[Finding] = []
    seen: set[str] = set()
    for item in (d for d in items if d.impact == "high"):
        key, n = key_part(item.title), 1
        while key in seen:  # two titles with the same slug still get distinct, stable keys
            n += 1
            key = f"{key_part(item.title)}-{n}"
        seen.add(key)
        area = f" ({item.area})" if item.area else ""
        findings.append(
            finding("ux", key, f"Fix the UX issue: {item.title}",
                    f"High-impact rough edge{area} that users hit, recorded in business.yaml.", Severity.MEDIUM)
        )  # fmt: skip
    rows = tuple((d.impact, d.area or "—", d.title) for d in items)
    high = sum(1 for d in items if d.impact == "high")
    summary = f"{plural(len(items), 'item')}, {high} of high impact."
    table = Table(columns=("Impact", "Area", "Issue"), rows=rows, title="UX debt")
    return Section(title, summary=summary, tables=(table,), method=method), findings


def _practices(snapshot: Snapshot) -> list[tuple[str, bool, str]]:
    """The six delivery practices: name, whether in place, and the next concrete step."""
    eng = snapshot.finance.engineering
    steps = eng.deploy_steps
    deploy_next = (
        f"script the deploy: it takes {steps} steps today, make it one command plus a check"
        if steps
        else "record deploy_steps in business.yaml (how many manual steps a release takes)"
    )
    return [
        ("Automated tests", eng.automated_tests, "write tests for the booking and payment paths first"),
        ("Continuous integration", eng.ci, "run the tests and linters on every push in a CI workflow"),
        ("Deploy in ≤ 3 steps", 0 < steps <= 3, deploy_next),
        ("Rollback", eng.rollback, "write down and rehearse a one-command rollback to the previous release"),
        ("Monitoring", eng.monitoring, "add uptime checks and error alerts that reach a phone"),
        ("Tested backups", eng.backups_tested, "restore last night's backup into a scratch database and time it"),
    ]


def _maturity_section(snapshot: Snapshot) -> tuple[Section, list[Finding]]:
    """Level 0–6: how many delivery practices are in place; the missing ones as next steps."""
    title = "Delivery maturity"
    method = (
        "engineering in business.yaml: automated tests, CI, deploy in ≤ 3 steps (deploy_steps between 1 and 3), "
        "rollback, monitoring, tested backups; level = practices in place, out of 6. The card is [OK] with "
        "automated tests and CI in place, [ALERT] without either, whatever the level."
    )
    if "engineering" not in snapshot.finance.model_fields_set:
        summary = "No engineering practices recorded: add engineering to business.yaml in the data folder."
        return Section(title, summary=summary, method=method), []
    practices = _practices(snapshot)
    level = sum(1 for _, done, _ in practices if done)
    missing = {name for name, done, _ in practices if not done}
    off = bool(missing & {"Automated tests", "Continuous integration"})
    # the verdict judges tests and CI alone: "2 of 6 practices [OK]" read as if 2 of 6 were on target
    lacking = [what for name, what in (("Automated tests", "automated tests"), ("Continuous integration", "CI"))
               if name in missing]  # fmt: skip
    note = f"no {' and no '.join(lacking)}" if lacking else "automated tests and CI in place"
    card = Card("Delivery maturity", f"{level} of {len(practices)} practices", tone=Tone.ALERT if off else Tone.OK,
                marker="[ALERT]" if off else "[OK]", note=note, raw=Decimal(level))  # fmt: skip
    rows = tuple((name, checks.YES if done else checks.NO) for name, done, _ in practices)
    bullets = tuple(f"{name}: {step}." for name, done, step in practices if not done)
    findings = [
        finding("maturity", key, f"Set up {name.lower()}",
                f"Delivery maturity is {level} of 6; without {name.lower()} every change is checked by hand. "
                f"Next step: {step}.", Severity.MEDIUM)
        for key, (name, done, step) in zip(("tests", "ci"), practices[:2], strict=True)
        if not done
    ]  # fmt: skip
    table = Table(columns=("Practice", "In place"), rows=rows, title="Practices")
    summary = (
        f"Level {level}: {level} of {len(practices)} practices in place; {plural(len(bullets), 'next step')} below."
    )
    return Section(title, summary=summary, cards=(card,), tables=(table,), bullets=bullets, method=method), findings
