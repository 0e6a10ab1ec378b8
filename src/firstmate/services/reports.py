"""Role reports: read one snapshot of the business, run the eight lenses, render, store, deliver.

Building the snapshot only reads. Configuration reaches it through the secret redaction of the
domain: a secret setting's value is never read into a report, only its name and set / missing.

Keys:
    ORG#<org>#ROLEREPORTS   <role>#<as_of>   the latest build of a role's report for that day
    ORG#<org>#SENDS         role-<role>#<week>#<email>   the send ledger (services/sends)
Blobs: reports/<org>/roles/<as_of>/<role>.html|.txt|.json|.pdf
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import structlog
from pydantic import SecretStr

from firstmate.domain.business import BusinessProfile
from firstmate.domain.redaction import ConfigEntry, redact_config
from firstmate.domain.reports.books import balances_beside_the_books, beside_the_books, books_on
from firstmate.domain.reports.document import ROLE_TITLES, ROLES, ReportDocument
from firstmate.domain.reports.lenses import build_each
from firstmate.domain.shared import iso
from firstmate.domain.snapshot import Invoice, LeftOut, Marketing, MarketingKpi, RevenueLine, Snapshot
from firstmate.errors import BlobNotFound, ConfigError, InvalidInput, LeaseLost, NotFound, StoreError
from firstmate.ports import Item, Put, Secrets, Store
from firstmate.reports.role import RoleReport, render_role
from firstmate.reports.serial import data_file
from firstmate.services.blob_sets import put_together
from firstmate.services.bulk import bulk_work
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.data import load_data
from firstmate.services.intel import list_runs
from firstmate.services.leases import Held, exclusive
from firstmate.services.outfiles import write_files
from firstmate.services.paging import all_items
from firstmate.services.report_links import report_pdf_link
from firstmate.services.sends import ReportMail, deliver_once, sent_before
from firstmate.services.trips import booking_pk, intake_pk

log = structlog.get_logger(__name__)
FILES = ("html", "txt", "json", "pdf")


@dataclass(frozen=True)
class RoleRun:
    """One role's report as built (and perhaps sent) now."""

    role: str
    as_of: date
    report: RoleReport
    written: list[Path]
    sent_to: list[str]
    #: recipients who had this week's already, so were not sent it again (`resend` sends it them)
    had_it: list[str] = field(default_factory=list)


def parse_roles(value: str) -> list[str]:
    """ "all" or one role key (or several, comma-separated) → role keys; InvalidInput names the choices."""
    if value.strip().lower() == "all":
        return list(ROLES)
    roles = [part.strip().lower().replace("-", "_") for part in value.split(",") if part.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise InvalidInput(f"no role {', '.join(unknown) or value!r}; the roles are: all, {', '.join(ROLES)}")
    return roles


def check_report_day(ctx: Context, org: str, day: date, *, option: str | None = None) -> None:
    """InvalidInput when `day` is after today in `org`'s zone: a report of days still to come would read
    its books as of today, and be stored (and sent) as that day's. `option`: the CLI option that named
    the day ("--as-of"), said in the message and its hint."""
    profile = load_business(ctx.store, org)
    zone = profile.org.timezone if profile else "UTC"
    today = ctx.clock.now().astimezone(ZoneInfo(zone)).date()
    if day > today:
        hint = f"leave {option} out for today's report, or name a day up to today" if option else None
        raise InvalidInput(
            f"{option or 'a report as of'} {day} is after today, {today} in {zone}",
            hint=hint or "name a day up to today: a later day's week has not happened yet",
        )


def build_snapshot(ctx: Context, org: str, *, as_of: date | None = None, secrets: Secrets | None = None) -> Snapshot:
    """Everything the lenses read, for `org` on `as_of` (default: today in the org's zone). Only reads."""
    profile = load_business(ctx.store, org)
    if profile is None:
        raise NotFound(f"no org {org!r}", hint="load the business profile first, e.g. with 'firstmate demo'")
    today = ctx.clock.now().astimezone(ZoneInfo(profile.org.timezone)).date()
    day = as_of or today
    data = load_data(ctx.store, org)
    finance = data["finance"][0] if data["finance"] else None
    currency = getattr(finance, "currency", "USD")
    lines = cast(list[RevenueLine], data["revenue"])
    # the bookings a refund of the report's books names (by external id or booking-<id>): a refund undoes them
    refunded = frozenset(r.reference for r in lines if r.amount < 0 and r.reference and r.recorded_on <= day)
    booked, other, cancelled = booking_revenue(
        ctx.store, org, profile.org.timezone, currency, as_of=day, refunded=refunded
    )
    own = [*booked, *(invoice_revenue(cast(Invoice, invoice)) for invoice in data["invoices"])]
    left_out, undoing_nothing = uncounted(org, lines, other, own, day)
    lines = [line for line in lines if line.id not in undoing_nothing]  # a refund of a sale no figure counts
    # a booking or an invoice that revenue.csv holds under its reference is counted once, as the books have it;
    # one they hold the deposit of alone, by its balance beside it
    revenue = [*lines, *beside_the_books(lines, own, day), *balances_beside_the_books(lines, own, day, cancelled)]
    fields: dict[str, Any] = {kind: tuple(rows) for kind, rows in data.items() if kind != "finance"}
    snapshot = Snapshot(
        org_id=org,
        org_name=profile.org.name,
        as_of=day,
        currency=currency,
        entities=profile.entities,
        assets=profile.assets,
        **{**fields, "revenue": tuple(sorted(revenue, key=lambda r: (r.service_date, r.id)))},
        **({"finance": finance} if finance is not None else {}),
        marketing=latest_marketing(ctx, org, day),
        config=settings_entries(ctx, secrets),
        left_out=left_out,
        read_on=today if day < today else None,  # a past day's: what the files do not date reads as today
    )
    # the books as they stood on the report's day, once for every lens alike (a line recorded after it was
    # left out by the accounting report, while the CFO's burn of the same month counted it)
    return books_on(snapshot)


def booking_revenue(
    store: Store,
    org: str,
    timezone: str,
    currency: str,
    *,
    as_of: date | None = None,
    refunded: frozenset[str] = frozenset(),
) -> tuple[list[RevenueLine], dict[str, list[RevenueLine]], frozenset[str]]:
    """firstmate's own bookings as revenue lines: recorded when booked, earned on the trip's day;
    those in another currency than `currency` booked by `as_of` (the report's day), by
    currency, which count only where revenue.csv holds them (`uncounted` says which do not); and the ids of
    the lines of bookings cancelled by `as_of`, which have no balance to come. Cancelled bookings
    are left out, but for one cancelled after `as_of`, which counts as it read before (it left that
    day's books, and its payout read "unmatched"): its cancellation is its latest revision's date
    (`updated_at`), and what it held before is `before_cancel` (kept since 2026-12-06; for one cancelled
    before, the cancelled body, status aside). One that a refund names (`refunded`: references of
    revenue.csv's refunds, its external id or `booking-<id>`) counts so too, for the refund to undo it:
    left out, its refund was taken off again (a cancelled $840 charter refunded in full read −$840). A
    change made after the day other than the cancel is not undone: only a booking's latest revision is
    stored."""
    other: dict[str, list[RevenueLine]] = defaultdict(list)
    zone = ZoneInfo(timezone)
    anchors = all_items(store, intake_pk(org), page_size=500)
    ids = [i for i in (anchor.data.get("booking_id") for anchor in anchors) if i]
    lines, closed = [], set()
    for booking_id, item in zip(ids, store.get_many([(booking_pk(org, i), "BOOKING") for i in ids]), strict=True):
        if item is None:
            continue
        request = item.data["request"]
        if request["status"] == "cancelled":
            cancelled = as_of is None or _local_date(item.data["updated_at"], zone) <= as_of
            if cancelled and not {request["external_id"], f"booking-{booking_id}"} & refunded:
                continue
            if cancelled:
                closed.add(f"booking-{booking_id}")
            request = item.data.get("before_cancel") or request  # as it read on the day (kept since 2026-12-06)
        line = RevenueLine(
            id=f"booking-{booking_id}",
            entity=item.data["entity"],
            asset=item.data["asset"],
            source=f"booking:{request['source']}",
            recorded_on=_local_date(item.data["created_at"], zone),
            service_date=_local_date(request["start"], zone),
            amount=request["gross_amount"],
            reference=request["external_id"],
        )
        if request["currency"] != currency:
            if as_of is not None and line.recorded_on > as_of:
                continue  # booked after the report's day: none of its figures holds it either
            other[request["currency"]].append(line)
            continue
        lines.append(line)
    return lines, dict(sorted(other.items())), frozenset(closed)


def uncounted(
    org: str,
    books: Sequence[RevenueLine],
    other: dict[str, list[RevenueLine]],
    counted: Sequence[RevenueLine],
    day: date,
) -> tuple[tuple[LeftOut, ...], frozenset[str]]:
    """By currency, firstmate's bookings in another currency than the reports' (`other`, as their own
    currency's amounts) that no figure counts: those the books (revenue.csv's `books`) do not hold on `day`.
    One they hold is counted, as revenue.csv has it, in the reports' currency: the accounting report said
    "2 EUR bookings (€1,682) not counted" of two the bookkeeper had written in revenue.csv in dollars. And the ids
    of the books' refunds that name one of those and no sale counted (a line of the books, or one of `counted`,
    firstmate's bookings and invoices in the reports' currency): they undo nothing any figure holds, and are left
    out too, where a refund of a EUR booking was taken off the revenue in dollars."""
    held = {line.reference or line.id for line in books if line.amount > 0 and line.recorded_on <= day}
    sold = held | {name for line in counted for name in (line.id, line.reference) if name}
    left_out, refunds = [], set()
    for currency, bookings in other.items():
        alone = beside_the_books(books, bookings, day)
        for line in alone:
            log.warning("reports.booking_currency_skipped", org=org, booking=line.id.removeprefix("booking-"),
                        currency=currency)  # fmt: skip
        names = {name for line in alone for name in (line.id, line.reference) if name} - sold
        undone = [line for line in books if line.amount < 0 and line.reference in names]
        refunds |= {line.id for line in undone}
        by_day = [line for line in undone if line.recorded_on <= day]
        if alone:
            amount = sum((line.amount for line in alone), Decimal(0))
            refunded = sum((line.amount for line in by_day), Decimal(0))
            left_out.append(
                LeftOut(currency=currency, bookings=len(alone), amount=amount, refunds=len(by_day), refunded=refunded)
            )
    return tuple(left_out), frozenset(refunds)


def invoice_revenue(invoice: Invoice) -> RevenueLine:
    """An invoice as a revenue line: billed work, earned when issued (consulting bills for work done)."""
    return RevenueLine(
        id=f"invoice-{invoice.id}", entity=invoice.entity, source="invoice", recorded_on=invoice.issued,
        service_date=invoice.issued, amount=invoice.amount, reference=invoice.id,
    )  # fmt: skip


def latest_marketing(ctx: Context, org: str, as_of: date) -> Marketing | None:
    """The KPIs of the newest weekly marketing report of a week that ended by `as_of`, if one was built."""
    # the newest week's latest run: the runs listed as made, an old week's backfill may come first
    for run in sorted(list_runs(ctx.store, org), key=lambda r: r["week"], reverse=True):
        if date.fromisoformat(run["week"]) + timedelta(days=6) > as_of:  # a report as of a day knows no later week
            continue
        try:
            data = json.loads(ctx.blobs.get(f"reports/{org}/weekly/{run['week']}/weekly.json"))
        except BlobNotFound:
            continue
        kpis = [
            MarketingKpi(
                key=k["key"], label=k["label"], value=None if k["value"] is None else str(k["value"]),
                unit=k["unit"], direction=k["signal"]["direction"], status=k["signal"]["status"],
                # the very float the weekly report printed, so both round it alike
                change=repr((k["value"] - k["previous"]) / abs(k["previous"]))
                if k["previous"] and k["value"] is not None else None,
                weeks=len(k.get("series") or ()),
            )
            for k in data["facts"]["kpis"]
        ]  # fmt: skip
        currency = data["facts"].get("currency", "USD")
        return Marketing(week=date.fromisoformat(run["week"]), kpis=tuple(kpis), currency=currency)
    return None


def settings_entries(ctx: Context, secrets: Secrets | None) -> tuple[ConfigEntry, ...]:
    """firstmate's settings and the secrets its configuration needs, through secret redaction."""
    values: dict[str, object] = {}
    for name, value in ctx.settings.model_dump().items():
        values[f"FIRSTMATE_{name.upper()}"] = value.get_secret_value() if isinstance(value, SecretStr) else value
    entries = list(redact_config(values))
    for name in ctx.settings.token_secrets:
        entries.append(ConfigEntry(name=name, is_set=_present(secrets, name), secret=True))
    return tuple(sorted(entries, key=lambda e: e.name))


@bulk_work()
def run_role_reports(
    ctx: Context,
    org: str,
    roles: Sequence[str],
    *,
    as_of: date | None = None,
    out: Path | None = None,
    send: bool = False,
    resend: bool = False,
    secrets: Secrets | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[RoleRun]:
    """Build the reports of `roles` from one snapshot, store them, write them to `out`, and with
    `send` queue each to its role's recipients once per week (again with `resend`). A role that
    fails keeps none of the others from going out; the first failure is raised once they have. `as_of`
    after today (in the org's zone) is refused (InvalidInput), before anything is read or kept."""
    if as_of is not None:  # whoever passes the day: the CLI, a job, the demo
        check_report_day(ctx, org, as_of)
    known = load_business(ctx.store, org)
    if known is None:
        raise NotFound(f"no org {org!r}", hint="load the business profile first, e.g. with 'firstmate demo'")
    day = as_of or ctx.clock.now().astimezone(ZoneInfo(known.org.timezone)).date()
    # one build at a time, from its reads to its last store: one that fails puts back what it replaced, never
    # over another's, and the last stored rests on the latest reads (two at once stored the later, maybe older)
    with exclusive(ctx, org, f"role-reports#{day}", doing="building these role reports") as held:
        snapshot = build_snapshot(ctx, org, as_of=day, secrets=secrets)
        profile = load_business(ctx.store, org)
        assert profile is not None  # build_snapshot said so otherwise
        runs = []
        documents, unbuilt = build_each(snapshot, roles)
        for role, exc in unbuilt.items():
            log.error("reports.role_failed", org=org, role=role, error=f"{type(exc).__name__}: {exc}", exc_info=exc)
        failed = list(unbuilt.values())
        for role, document in documents.items():
            if progress is not None:
                progress(ROLE_TITLES[role])
            held.confirm()  # held past its lease, another build may be storing: it stops here, not over that
            try:
                lacking = [r for r in unbuilt if r != "ceo"] if role == "ceo" else []
                run = _role_run(ctx, held, profile, snapshot.as_of, document, out, send=send, resend=resend,
                                lacking=lacking)  # fmt: skip
                runs.append(run)
            except LeaseLost:  # another build has the day: nothing more is stored, and the user must hear why
                raise
            except Exception as exc:  # one role's failure keeps none of the others from its readers
                log.exception("reports.role_failed", org=org, role=role)
                failed.append(exc)
    if failed:  # raised once the others are out: the job fails, is retried, and what went out is not sent again
        raise failed[0]
    return runs


def _role_run(
    ctx: Context,
    held: Held,
    profile: BusinessProfile,
    as_of: date,
    document: ReportDocument,
    out: Path | None,
    *,
    send: bool,
    resend: bool,
    lacking: Sequence[str] = (),
) -> RoleRun:
    """Render, store (while `held` is still this build's) and (with `send` or `resend`) queue one role's
    report. `lacking`: the reports
    whose findings the CEO's plan could not have; such a plan is sent as one of its own, so that the
    whole plan still goes out once they build (as the week's send, it kept the CEO on the partial one)."""
    org = profile.org.id
    colour = profile.entities[0].primary_colour if profile.entities else "#0b3d5c"
    week = as_of - timedelta(days=as_of.weekday())
    role = document.role
    report = render_role(document, colour=colour, full_report=report_pdf_link(ctx, org, f"{role}-{as_of}.pdf"))
    written = _store(ctx, held, org, as_of, report, out)
    sent: list[str] = []
    had_it: list[str] = []
    if send or resend:
        mail = ReportMail(report.subject, report.text, report.html)
        recipients = list(profile.org.recipients_for(role))
        name = f"role-{role}" + "".join(f"-without-{r}" for r in lacking)
        if lacking and not resend:  # who has this week's whole plan already needs no part of one
            recipients = [r for r in recipients if not sent_before(ctx, org, f"role-{role}", week.isoformat(), r)]
        sent = deliver_once(
            ctx, org, name, week.isoformat(), mail, recipients, bcc=profile.org.audit_bcc, resend=resend
        )
        had_it = [r for r in profile.org.recipients_for(role) if r not in sent]
    return RoleRun(role, as_of, report, written, sent, had_it)


def list_role_reports(store: Store, org: str) -> list[dict[str, Any]]:
    """Every stored role report of `org`, newest day first, then in role order."""
    reports = [{"role": i.sk.partition("#")[0], "as_of": i.sk.partition("#")[2], **i.data}
               for i in all_items(store, f"ORG#{org}#ROLEREPORTS")]  # fmt: skip
    order = {role: n for n, role in enumerate(ROLES)}
    return sorted(reports, key=lambda r: (-date.fromisoformat(r["as_of"]).toordinal(), order.get(r["role"], 99)))


def role_report_file(ctx: Context, org: str, role: str, as_of: str, kind: str) -> bytes:
    """A stored report file (html, txt, json or pdf); NotFound when there is none."""
    if role not in ROLES or kind not in FILES:
        raise NotFound(f"no {role} report as {kind}")
    try:
        date.fromisoformat(as_of)
        return ctx.blobs.get(f"reports/{org}/roles/{as_of}/{role}.{kind}")
    except (ValueError, BlobNotFound):
        raise NotFound(f"no {ROLE_TITLES[role]} report of {as_of!r} in org {org!r}") from None


def _store(ctx: Context, held: Held, org: str, as_of: date, report: RoleReport, out: Path | None) -> list[Path]:
    contents = {
        "html": (report.html.encode(), "text/html"),
        "txt": (report.text.encode(), "text/plain"),
        "json": (data_file(report.data), "application/json"),
        "pdf": (report.pdf, "application/pdf"),
    }
    # the copies in --out first: a folder that cannot take them stops the report before it is stored
    written = write_files(out, {f"{report.role}.{kind}": body for kind, (body, _) in contents.items()})
    summary = {"title": report.data["title"], "headline": report.data["headline"], "subject": report.subject,
               "findings": len(report.data["findings"]), "built_at": iso(ctx.clock.now())}  # fmt: skip
    files = {f"reports/{org}/roles/{as_of.isoformat()}/{report.role}.{kind}": body for kind, body in contents.items()}
    held.confirm()  # rendered past its lease, another build may be storing: it stops here; else renewed
    entry = Item(f"ORG#{org}#ROLEREPORTS", f"{report.role}#{as_of}", summary)
    listed = _listed(ctx.store, entry)

    def stored_by_another(exc: BaseException) -> bool:
        # the other build stored this report while our files were landing: what was there before we began is
        # not its files, and putting it back deleted the report it lists ("no … report" on opening it)
        try:
            return isinstance(exc, LeaseLost) and _listed(ctx.store, entry) != listed
        except StoreError:  # cannot tell: put back, as before
            return False

    # the files and the entry that lists them, as one: a full disk halfway leaves the day's earlier report whole;
    # the entry only while the lease is still this build's (its files put back otherwise: the other's to store,
    # unless it stored them meanwhile)
    put_together(ctx.blobs, files, then=lambda: held.transact([Put(entry)]), keep=stored_by_another)
    return written


def _listed(store: Store, entry: Item) -> tuple[int, Mapping[str, Any]] | None:
    """The version and summary of the stored report `entry` would list (None: none is stored)."""
    stored = store.get(entry.pk, entry.sk)
    return None if stored is None else (stored.version, stored.data)


def _present(secrets: Secrets | None, name: str) -> bool:
    if secrets is None:
        return False
    try:
        return bool(secrets.get(name))
    except ConfigError:
        return False


def _local_date(value: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(value).astimezone(zone).date()
