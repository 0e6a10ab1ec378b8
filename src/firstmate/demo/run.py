"""`firstmate demo`: load the demo business, run every capability that exists, export the results.

Safe to run again on the same FIRSTMATE_HOME: every write is idempotent, so a second run changes
nothing and sends nothing twice (only the demo's API key is replaced: keys are shown once).
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from firstmate.adapters.sources.bookings.email import parse_email
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.bootstrap import App
from firstmate.demo.business_data import write_demo_data
from firstmate.domain.business import AssetKind, BusinessProfile
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry
from firstmate.domain.people import Person
from firstmate.domain.reports.document import ROLE_TITLES, ROLES
from firstmate.errors import FirstmateError
from firstmate.jobs import declared_jobs
from firstmate.rendering import render
from firstmate.services import outbox
from firstmate.services.business import load_business, save_business
from firstmate.services.data import check_data, import_data
from firstmate.services.imports import import_records
from firstmate.services.intel import IntelRun, last_complete_week, run_weekly
from firstmate.services.keys import create_key, list_keys, revoke_key
from firstmate.services.people import save_people
from firstmate.services.reports import run_role_reports
from firstmate.services.scheduler import mark_done
from firstmate.services.waiver_texts import follow_new_texts, marker_writes, texts_changed
from firstmate.standin.data import build_history
from firstmate.standin.server import HUBSPOT_TOKEN, META_TOKEN, running

if TYPE_CHECKING:
    from starlette.testclient import TestClient

DEMO_ORG = "demo"
#: A Boatsetter-style confirmation email (fictional), imported by the demo through the email parser.
SAMPLE_EMAIL = Path(str(resources.files("firstmate.demo").joinpath("boatsetter_confirmation.eml")))
Step = Callable[[str], None]


@dataclass
class DemoResult:
    """What the demo did and where it left things."""

    out: Path
    steps: list[str] = field(default_factory=list)
    messages: list[OutboxEntry] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, str]] = field(default_factory=list)
    api_key: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        """The page that links everything the demo produced."""
        return self.out / "index.html"


def _demo_data() -> dict[str, Any]:
    return tomllib.loads(resources.files("firstmate.demo").joinpath("business.toml").read_text())


def demo_profile() -> BusinessProfile:
    """The fictional demo operator shipped with the package."""
    data = _demo_data()
    return BusinessProfile.model_validate({k: v for k, v in data.items() if k != "people"})


def demo_people() -> list[Person]:
    """The demo operator's crew and admins."""
    return [Person.model_validate(p) for p in _demo_data()["people"]]


def run_demo(app: App, out: Path, step: Step = lambda _: None) -> DemoResult:
    """Run the demo and export its results to `out`; `step` is told each stage as it starts."""
    from firstmate.demo.export import export_demo
    from firstmate.web.app import create_app

    with warnings.catch_warnings():  # Starlette nudges toward its httpx fork; httpx serves the demo well
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    result = DemoResult(out=out)
    profile = demo_profile()

    step("Loading the demo business")
    result.steps += _load_business(app, profile)

    step("Queueing the welcome message")
    result.steps.append(_queue_welcome(app, profile))

    step("Importing a Boatsetter booking email")
    result.steps.append(_import_email(app, profile))

    step("Posting a direct booking to the API")
    result.api_key = _fresh_demo_key(app)
    with TestClient(create_app(app), base_url=app.settings.base_url) as client:
        result.steps.append(_post_booking(app, client, profile, result.api_key))

        step("Building the weekly marketing report from the Meta and HubSpot stand-ins")
        result.steps.append(_weekly_step(app, out, result))

        step("Importing the business data folder and building the eight role reports")
        result.steps.append(role_reports(app, out, result))
        _reports_built(app)

        step("Delivering the outbox")
        delivery = _drain(app)
        result.steps.append(_delivered(delivery, app.settings.mailer))
        result.problems += _undelivered(delivery)

        step("Writing the demo folder")
        result.messages = outbox.list_entries(app.store, DEMO_ORG, limit=1000)
        export_demo(app, client, profile, result)
    result.steps.append(f"Wrote {result.index}.")
    return result


def _load_business(app: App, profile: BusinessProfile) -> list[str]:
    """Save the demo business and its crew; what was written, and who was asked to sign a changed waiver again."""
    # a waiver text an `org import` changed is put back as an import would: its trips' guests follow the words
    texts = texts_changed(load_business(app.store, DEMO_ORG), profile)
    saved = save_business(app.store, profile, also=marker_writes(DEMO_ORG, texts))
    people = save_people(app.store, DEMO_ORG, demo_people())
    said = [
        f"Loaded {profile.org.name}: {len(profile.entities)} business lines, {len(profile.assets)} assets, "
        f"{len(demo_people())} crew ({saved.created + people} records written, {saved.unchanged} unchanged)."
    ]
    for asked in follow_new_texts(app, DEMO_ORG):
        said.append(
            f"{asked.guests} guest(s) on {asked.trips} trip(s) to come asked to sign {asked.line}'s waiver text again."
        )
    return said


def _queue_welcome(app: App, profile: BusinessProfile) -> str:
    """Queue the welcome message, once."""
    queued = outbox.enqueue(app.store, DEMO_ORG, [welcome_message(app, profile)], app.clock.now())
    return "Queued the welcome message." if queued else "Welcome message already queued by an earlier run."


def _import_email(app: App, profile: BusinessProfile) -> str:
    """Import the sample Boatsetter confirmation through the email parser."""
    boats = {a.id: a.name for a in profile.assets if a.kind is AssetKind.BOAT}
    today = app.clock.now().astimezone(ZoneInfo(profile.org.timezone)).date()
    records = parse_email(sample_email(today), timezone=profile.org.timezone, boats=boats)
    report = import_records(app, DEMO_ORG, records)
    if not report.ok:
        raise FirstmateError(f"the demo email did not import: {report.errors[0].problem}")
    return f"Imported {SAMPLE_EMAIL.name} through the email parser: {report.summary()}."


def _post_booking(app: App, client: TestClient, profile: BusinessProfile, api_key: str) -> str:
    """Post the direct booking to the API with the demo's key, as a website would."""
    answer = client.post(
        "/api/v1/bookings",
        json=direct_booking(app, profile),
        headers={"Authorization": f"Bearer {api_key}"},
    )
    if answer.status_code not in (200, 201):
        raise FirstmateError(f"the demo booking was refused: {answer.text}")
    return (
        f"POST /api/v1/bookings answered {answer.status_code} ({answer.json()['result']}): "
        f"booking {answer.json()['booking_id']}."
    )


def _weekly_step(app: App, out: Path, result: DemoResult) -> str:
    """Build the weekly report into `out`/reports and list it in `result`; what was done, in a sentence."""
    run = weekly_report(app, out / "reports")
    result.reports.append({"href": "reports/weekly.html", "title": f"Weekly marketing report: {run.report.subject}"})
    return (
        f"Pulled 16 weeks of ads and CRM data over HTTP, archived it (run {run.run_id}), and built the "
        f"weekly report: {run.report.subject}."
        + (f" Queued it for {', '.join(run.sent_to)}." if run.sent_to else " Already sent for this week.")
    )


def _reports_built(app: App) -> None:
    """Mark this week's weekly and role reports done."""
    # this week's reports are built: `serve`'s scheduler has no Monday run of them to catch up, which
    # it would try against the real Meta and HubSpot, never set up here, and mail the owner it failed
    for job in declared_jobs(app.settings):
        if job.name in ("weekly_report", "role_reports"):
            mark_done(app.store, app.clock, job, "built by firstmate demo")


def weekly_report(app: App, out: Path) -> IntelRun:
    """The weekly report on sixteen weeks of fictional ads and CRM data, served by local stand-ins
    of the Meta and HubSpot APIs and read through the real adapters."""
    profile = demo_profile()
    week = last_complete_week(app.clock.now(), profile.org.timezone)
    with running(build_history(week)) as standin:
        ads = MetaAdsSource(standin.url, lambda: META_TOKEN)
        crm = HubSpotSource(standin.url, lambda: HUBSPOT_TOKEN)
        return run_weekly(app, DEMO_ORG, ads, crm, week=week, out=out, send=True)


def role_reports(app: App, out: Path, result: DemoResult) -> str:
    """Write the demo's data folder (CSV and YAML, as a user would), import it, and build and send
    the eight role reports from one snapshot. Returns what happened, in a sentence."""
    today = app.clock.now().astimezone(ZoneInfo(demo_profile().org.timezone)).date()
    folder = write_demo_data(out / "data", today)
    raw = read_data_folder(folder)
    if isinstance(raw, list):
        raise FirstmateError(f"the demo data folder did not read: {raw[0].where}: {raw[0].problem}")
    imported = import_data(app.store, DEMO_ORG, check_data(app.store, DEMO_ORG, raw, clock=app.clock))
    runs = run_role_reports(app, DEMO_ORG, ROLES, out=out / "reports", send=True, secrets=app.secrets)
    for run in runs:
        result.reports.append(
            {
                "href": f"reports/{run.role}.html",
                "title": f"{ROLE_TITLES[run.role]} report: {run.report.data['headline']}",
            }
        )
    sent = sum(len(run.sent_to) for run in runs)
    return (
        f"Imported the data folder data/ ({imported.total('created')} rows new, {imported.total('updated')} changed, "
        f"{imported.total('unchanged')} unchanged) and built {len(runs)} role reports from one snapshot"
        + (f"; queued {sent} report mails." if sent else "; this week's were already sent.")
    )


def sample_email(today: date) -> bytes:
    """The sample confirmation with its trip on the Saturday after next: a trip to come whatever the
    day (one already over would tell nobody), and never the direct booking's Saturday."""
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    text = SAMPLE_EMAIL.read_text(encoding="utf-8")
    return text.replace("Saturday, December 12, 2026", f"{saturday:%A, %B} {saturday.day}, {saturday.year}").encode()


def direct_booking(app: App, profile: BusinessProfile) -> dict[str, Any]:
    """A sunset cruise next Saturday, as a website would post it (fictional guest)."""
    zone = ZoneInfo(profile.org.timezone)
    today = app.clock.now().astimezone(zone).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    start = datetime(saturday.year, saturday.month, saturday.day, 14, 30, tzinfo=zone)
    return {
        "source": "direct",
        "external_id": f"WEB-{saturday:%Y%m%d}-01",
        "asset": "morning-tern",
        "start": start.isoformat(),
        "duration_hours": "2.5",
        "guest_count": 8,
        "gross_amount": "1150.00",
        "currency": "USD",
        "lead_guest": {"name": "Casey Marlow", "email": "casey.marlow@example.com", "phone": "+1 415 555 0177"},
        "notes": "Sunset cruise; one guest uses a cane: help boarding",
        "private_notes": "Paid in full by card; invoice 2041",
    }


def welcome_message(app: App, profile: BusinessProfile) -> OutgoingMessage:
    """The message that tells the owner what firstmate now knows about their business."""
    assets: dict[str, list[str]] = {}
    for asset in profile.assets:
        assets.setdefault(asset.entity, []).append(asset.name)
    entities = [{"name": e.name, "kind": e.kind, "assets": assets.get(e.id, [])} for e in profile.entities]
    subject = f"firstmate is set up for {profile.org.name}"
    context: dict[str, Any] = {
        "subject": subject,
        "org": profile.org,
        "entities": entities,
        "base_url": app.settings.base_url,
        "colour": profile.entities[0].primary_colour if profile.entities else "#0b3d5c",
    }
    return OutgoingMessage(
        idempotency_key=f"{profile.org.id}:welcome:v1",
        sender=app.settings.mail_from,
        to=(profile.org.owner_email,),
        subject=subject,
        text=render("mail/welcome.txt", **context),
        html=render("mail/welcome.html", **context),
    )


def _fresh_demo_key(app: App) -> str:
    for key in list_keys(app.store, DEMO_ORG):
        if key.name == "demo" and not key.revoked_at:
            revoke_key(app.store, DEMO_ORG, key.id, app.clock.now())
    return create_key(app.store, DEMO_ORG, "demo", app.clock.now())[1]


def _drain(app: App) -> outbox.DispatchReport:
    """Dispatch until nothing is due now; what every pass did, added up."""
    total = outbox.DispatchReport()
    while True:
        report = outbox.dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys)
        total.sent += report.sent
        total.retrying += report.retrying
        total.dead += report.dead
        if report.handled == 0:
            return total


def _delivered(report: outbox.DispatchReport, mailer: str) -> str:
    """The delivery step in words: "Delivered 0 of 23" when some did not go out, never a bare count."""
    tried = f" of {report.handled}" if report.sent < report.handled else ""
    return f"Delivered {report.sent}{tried} message(s) through the {mailer} mailer."


def _undelivered(report: outbox.DispatchReport) -> list[str]:
    """What did not go out, and what to do about it."""
    problems = []
    if report.dead:
        problems.append(
            f"{report.dead} message(s) could not be sent and went dead: 'firstmate outbox list --status dead' "
            f"says why; 'firstmate outbox retry {DEMO_ORG} --dead' tries them again"
        )
    if report.retrying:
        problems.append(
            f"{report.retrying} message(s) could not be sent yet; 'firstmate serve' or 'firstmate worker' "
            "tries them again ('firstmate outbox list' says why)"
        )
    return problems
