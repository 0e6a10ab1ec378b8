"""Building the role reports: one snapshot, the lenses, and each role's report rendered, stored and queued,
a role that fails keeping none of the others from going out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from firstmate.domain.business import BusinessProfile
from firstmate.domain.reports.document import ROLE_TITLES, ReportDocument
from firstmate.domain.reports.lenses import build_each
from firstmate.errors import LeaseLost, NotFound
from firstmate.ports import Secrets
from firstmate.reports.role import RoleReport, render_role
from firstmate.services.bulk import bulk_work
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.leases import Held, exclusive
from firstmate.services.report_links import report_pdf_link
from firstmate.services.reports.choices import check_report_day
from firstmate.services.reports.snapshot import build_snapshot
from firstmate.services.reports.storing import store_report
from firstmate.services.sends import ReportMail, deliver_once, sent_before

# the logger of the module these steps were in, so its lines read as they did
log = structlog.get_logger("firstmate.services.reports")


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
    written = store_report(ctx, held, org, as_of, report, out)
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
