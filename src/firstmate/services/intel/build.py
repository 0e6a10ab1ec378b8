"""From a run's pulled pages to its report: parsed, computed, analysed, checked, rendered, stored and sent
(`finish_run`), and what a run produced (`IntelRun`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog

from firstmate.domain.analysis import Analysis, Section, checked, rules_analysis
from firstmate.domain.currencies import minor_units
from firstmate.domain.intel import WeeklyFacts, ads_days, compute_facts, in_one_currency, weeks_with_data
from firstmate.domain.marketing import AdWeek, CrmLead, once_each
from firstmate.errors import InvalidInput, LeaseLost, NoFigures, StoreError
from firstmate.ports import AdsSource, Analyst, CrmSource, Item, Put, RawPage
from firstmate.reports.serial import data_file
from firstmate.reports.weekly import WeeklyReport, render_weekly
from firstmate.services.blob_sets import put_together
from firstmate.services.business import load_business
from firstmate.services.context import Context
from firstmate.services.intel.archive import load_pages
from firstmate.services.intel.build_lease import keep_turn, store_in_turn
from firstmate.services.intel.delivery import deliver_weekly, weekly_recipients
from firstmate.services.intel.restatements import remember_figures, restated_since_last_week, restated_writes
from firstmate.services.intel.run_records import intel_pk, note_sent, run_index_keys, run_items_reporting, sender_of
from firstmate.services.leases import Held, exclusive
from firstmate.services.outfiles import write_files, written_once_done
from firstmate.services.report_links import report_pdf_link
from firstmate.services.timebox import TimeBox

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class IntelRun:
    """What a run produced."""

    run_id: str
    week: date
    report: WeeklyReport
    facts: WeeklyFacts
    sent_to: list[str]
    written: list[Path]
    #: recipients who had this week's already, so were not sent it again (`resend` sends it them)
    had_it: list[str] = field(default_factory=list)
    #: why this is the week before the business's last one, when an ad account's week has not ended ("" else)
    not_ended: str = ""
    #: the run that had sent this week before this one rebuilt it ("" when none had)
    rebuild_of: str = ""


def finish_run(
    ctx: Context, org: str, run_id: str, manifest: dict[str, Any], ads: AdsSource, crm: CrmSource | None, *,
    week_given: bool, out: Path | None, send: bool, resend: bool, replay: bool = False, analyst: Analyst | None = None,
    pulled: dict[str, list[RawPage]] | None = None, timebox: TimeBox | None = None, held: Held | None = None,
) -> IntelRun:  # fmt: skip
    """Make the run's report from its manifest and pages (`pulled` as this run pulled them, else read back from
    the archive): parse, compute, analyse, check, render; then, unless a `replay` (which writes to `out` only),
    store it and the run's record and figures, and send it when `send`. `held`: the build's turn (a run that
    sends), looked at before storing and checked in the record's own transaction: taken over by another build
    meanwhile, LeaseLost, with nothing of this run stored or sent (its report files put back)."""
    pages = pulled or {}

    def raw(key: str) -> list[RawPage]:  # as pulled by this run, else read back from the archive (a replay)
        return pages[key] if key in pages else load_pages(ctx, key)

    # a row whose source does not say its currency (CSV files) is in the business's, as the run found it, to its
    # places (a file in yen read "9,000.50"); a run archived before 2026-12-06 recorded none, and was in dollars
    unsaid = manifest.get("currency", "USD")
    rows = _ad_rows(manifest, ads, raw, unsaid)
    leads: list[CrmLead] = [lead for key in manifest["crm"] for lead in crm.parse(raw(key))] if crm else []
    week = _week_with_figures(date.fromisoformat(manifest["week"]), rows, week_given)
    profile = load_business(ctx.store, org)
    assert profile is not None
    currency, counted, other_currencies = in_one_currency(rows, week, unsaid)
    facts = compute_facts(
        org, week, counted, leads, currency=currency, ads_source=ads.name, crm_source=crm.name if crm else None,
        timezone=manifest.get("timezone", "UTC"),  # a run archived before the zone was recorded: as it ran
    )  # fmt: skip
    restated = [] if replay else restated_since_last_week(ctx.store, org, week, counted, currency)
    pulled_at = datetime.fromisoformat(manifest["pulled_at"])
    facts = replace(
        facts,
        restatements=manifest.get("restatements", restated),
        pulled_at=pulled_at,
        other_currencies=other_currencies,
        ads_days=ads_days(  # a run archived before the accounts' zones were recorded: none said, as it ran
            week, manifest.get("timezone", "UTC"), manifest.get("account_zones", {}), pulled_at, crm=crm is not None
        ),
    )
    if timebox is not None:
        timebox.check("the analysis")
    analysis = checked(_analyse(ctx, org, run_id, facts, analyst, replay), facts)
    for claim in analysis.dropped:
        log.warning("intel.claim_dropped", org=org, run_id=run_id, claim=claim)
    # as it was sent: the name and colour kept with the run (a replay after a renaming showed the new name)
    business = manifest.get("business") or profile.org.name
    colour = manifest.get("colour") or (profile.entities[0].primary_colour if profile.entities else "#0b3d5c")
    # the PDF with every row; its link dated by the pull, so that a replay gives the identical report
    full_report = report_pdf_link(ctx, org, f"weekly-{week.isoformat()}.pdf", at=facts.pulled_at)
    report = render_weekly(facts, analysis, business=business, colour=colour, full_report=full_report)
    if timebox is not None:  # the last look: what follows is stored and sent whole
        timebox.check("storing and sending the report")
    rebuild_of = ""  # the run that had sent the week, when this one builds it again
    if replay:  # a replay writes to --out only: the stored report stays the one its readers were sent
        written = write_files(out, _report_files(report))
    else:
        manifest["business"], manifest["colour"], manifest["restatements"] = business, colour, restated
        keep_turn(held)  # analysed past its turn (a model retried), another build took it: it stops storing nothing
        rebuild_of = sender_of(ctx.store, org, week) or ""
        written = _store_report(
            ctx, org, report, week, out, lambda: _keep_run(ctx, held, org, run_id, week, manifest, report, rebuild_of)
        )
        # after its record: a build taken over stored none, and the other's compares with the figures reported
        remember_figures(ctx.store, org, rows)
    sent = deliver_weekly(ctx, org, week, report, resend=resend) if send and not replay else []
    if sent:
        try:
            note_sent(ctx.store, org, run_id, len(sent))
        except StoreError as exc:  # queued to its readers: failing here told its owner it did not run, beside it
            log.warning("intel.sent_not_noted", org=org, run_id=run_id, error=str(exc))
    had_it = [r for r in weekly_recipients(profile) if r not in sent] if send and not replay else []
    return IntelRun(run_id, week, report, facts, sent, written, had_it, rebuild_of=rebuild_of)


def _ad_rows(
    manifest: dict[str, Any], ads: AdsSource, raw: Callable[[str], list[RawPage]], unsaid: str
) -> list[AdWeek]:
    """The ad rows of the run's pages, each in `unsaid` (to its places) when its source does not say its currency;
    a row Meta sends twice counted once."""
    unit = Decimal(1).scaleb(-minor_units(unsaid))
    rows = [
        row if row.currency else row.in_currency(unsaid, unit) for key in manifest["ads"] for row in ads.parse(raw(key))
    ]
    if manifest.get("sources", {}).get("ads") == "meta":  # pulled since 2026-12-05 (older runs replay as they ran)
        rows = once_each(rows)  # a row Meta sends twice counts once; CSV files may split a week over rows
    _one_weekday(rows)
    return rows


def _week_with_figures(week: date, rows: list[AdWeek], week_given: bool) -> date:
    """The week the report is of: `week`, or the ads' own week holding its Monday (CSV files of Sunday weeks), or,
    unless `week_given`, the most recent earlier week with figures; NoFigures when there is none."""
    weeks = weeks_with_data(rows)
    holding = [w for w in weeks if w < week < w + timedelta(days=7)]
    if week not in weeks and holding:  # the ads' own week holding the Monday asked for (CSV files of Sunday weeks)
        week = holding[-1]
    if week not in weeks:
        earlier = [w for w in weeks if w < week]
        if not earlier:
            raise NoFigures(f"the sources have no figures for the sixteen weeks up to the week of {week}")
        if week_given:  # a report of a week without figures would show zeros, or the last week's as its own
            raise NoFigures(
                f"the sources have no figures for the week of {week}",
                hint=f"the nearest earlier week with figures is {earlier[-1]}",
            )
        week = earlier[-1]  # the most recent complete week that has data
    return week


def _keep_run(
    ctx: Context, held: Held | None, org: str, run_id: str, week: date, manifest: dict[str, Any],
    report: WeeklyReport, rebuild_of: str,
) -> None:  # fmt: skip
    """Keep a stored report's run: its manifest as it was sent, then, as one and only while the build still holds
    its turn (`held`), the restatements it told and its record in the org's list of runs (`rebuild_of`: the run
    that had sent its week, listed as rebuilt since)."""
    restated = [str(line) for line in manifest["restatements"]]
    ctx.blobs.put(f"raw/{org}/{run_id}/manifest.json", json.dumps(manifest, indent=1).encode(), "application/json")
    index, order = run_index_keys(org, run_id, manifest["pulled_at"])  # listed by when it was made
    record = Item(intel_pk(org), f"RUN#{run_id}", {"week": week.isoformat(), "subject": report.subject,
                                                   "pulled_at": manifest["pulled_at"],
                                                   "rebuild_of": rebuild_of},
                  gsi1pk=index, gsi1sk=order)  # fmt: skip
    # the restatements said by a stored report, for later builds to say too
    store_in_turn(ctx, held, [*restated_writes(org, week, restated), Put(record)])


def _analyse(
    ctx: Context, org: str, run_id: str, facts: WeeklyFacts, analyst: Analyst | None, replay: bool
) -> Analysis:
    """The run's analysis. It is archived with the raw data, so a replay shows the same words even
    when a model wrote them (models do not answer twice alike)."""
    key = f"raw/{org}/{run_id}/analysis.json"
    if replay and ctx.blobs.head(key) is not None:
        stored = json.loads(ctx.blobs.get(key))
        sections = [Section(s["title"], list(s["points"])) for s in stored["sections"]]
        return Analysis(sections=sections, author=stored["author"], note=stored.get("note", ""))
    analysis = analyst.analyse(facts) if analyst is not None else rules_analysis(facts)
    body = {"sections": [asdict(s) for s in analysis.sections], "author": analysis.author, "note": analysis.note}
    if not replay:
        ctx.blobs.put(key, json.dumps(body, indent=1).encode(), "application/json")
    return analysis


_TYPES = {"weekly.html": "text/html", "weekly.txt": "text/plain", "weekly.json": "application/json",
          "weekly.pdf": "application/pdf"}  # fmt: skip


def _one_weekday(rows: list[AdWeek]) -> None:
    """Refuse weeks that start on different days (one CSV file of Monday weeks, another's of Sunday weeks):
    each day was a week of its own, and the report's week showed one account's figures alone."""
    other = next((row for row in rows if row.week_start.weekday() != rows[0].week_start.weekday()), None)
    if other is not None:
        first = rows[0]
        raise InvalidInput(
            f"ad account {other.account}'s weeks start on {other.week_start:%A}, "
            f"ad account {first.account}'s on {first.week_start:%A}",
            hint="give every ads file's week_start on the same weekday, the day the business's weeks start",
        )


def _report_files(report: WeeklyReport) -> dict[str, bytes]:
    """The report's four files, by name."""
    return {
        "weekly.html": report.page_html.encode(),
        "weekly.txt": report.text.encode(),
        "weekly.json": data_file(report.data),
        "weekly.pdf": report.pdf,
    }


def _store_report(
    ctx: Context, org: str, report: WeeklyReport, week: date, out: Path | None, listed: Callable[[], object]
) -> list[Path]:
    contents = _report_files(report)
    files = {name: (content, _TYPES[name]) for name, content in contents.items()}
    # the copies in --out once the report is stored: one taken over or failing leaves the folder as it was (its
    # copies read as the week's report, which another run stored and sent); one that cannot take them stops it first
    with written_once_done(out, contents) as written:
        _put_report(ctx, org, week, files, listed)
    return written


def _put_report(
    ctx: Context, org: str, week: date, files: dict[str, tuple[bytes, str]], listed: Callable[[], object]
) -> None:
    """Store the report's `files` of `week`, then its run's record (`listed`)."""
    # as one: a full disk halfway leaves the week's earlier report whole, never half old and half new;
    # one build at a time: one that fails puts back what it replaced, never over another's; `listed` (the run's
    # record) failing, or finding the build's turn taken over, puts the files back too
    with exclusive(ctx, org, f"weekly#{week}", doing="storing this weekly report"):
        runs = _runs_of(ctx, org, week)

        def stored_by_another(exc: BaseException) -> bool:
            # the disk stalled past both turns, and the build that took over stored, listed and mailed the week
            # meanwhile: what was there before this one began is not its report, and putting it back deleted the
            # files of the week sent (the PDF its readers were mailed a link to)
            try:
                return isinstance(exc, LeaseLost) and _runs_of(ctx, org, week) != runs
            except StoreError:  # cannot tell: put back, as before
                return False

        put_together(
            ctx.blobs, {f"reports/{org}/weekly/{week}/{name}": file for name, file in files.items()}, then=listed,
            keep=stored_by_another,
        )  # fmt: skip


def _runs_of(ctx: Context, org: str, week: date) -> set[tuple[str, int]]:
    """The runs listed as reporting `week` (each with its record's version)."""
    return {(i.sk, i.version) for i in run_items_reporting(ctx.store, org, week)}
