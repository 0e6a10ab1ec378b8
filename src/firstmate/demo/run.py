"""`firstmate demo`: load the demo business, run every capability that exists, export the results.

Safe to run again on the same FIRSTMATE_HOME: every write is idempotent, so a second run
changes nothing and sends nothing twice.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from firstmate.bootstrap import App
from firstmate.domain.business import BusinessProfile
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry
from firstmate.domain.people import Person
from firstmate.rendering import render
from firstmate.services import outbox
from firstmate.services.business import save_business

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
    result = DemoResult(out=out)
    profile = demo_profile()

    step("Loading the demo business")
    saved = save_business(app.store, profile)
    result.steps.append(
        f"Loaded {profile.org.name}: {len(profile.entities)} business lines, {len(profile.assets)} assets "
        f"({saved.created} records created, {saved.updated} updated, {saved.unchanged} unchanged)."
    )

    step("Queueing the welcome message")
    queued = outbox.enqueue(app.store, DEMO_ORG, [welcome_message(app, profile)], app.clock.now())
    result.steps.append(
        f"Queued {queued} new message(s) in the outbox" + ("." if queued else " (already queued by an earlier run).")
    )

    step("Delivering the outbox")
    sent = _drain(app)
    result.steps.append(f"Delivered {sent} message(s) through the {app.settings.mailer} mailer.")

    step("Writing the demo folder")
    result.messages = outbox.list_entries(app.store, DEMO_ORG)
    _export(app, profile, result)
    result.steps.append(f"Wrote {result.index}.")
    return result


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


def _drain(app: App) -> int:
    sent = 0
    while True:
        report = outbox.dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy)
        sent += report.sent
        if report.handled == 0:
            return sent


def _export(app: App, profile: BusinessProfile, result: DemoResult) -> None:
    messages_dir = result.out / "messages"
    if messages_dir.exists():
        shutil.rmtree(messages_dir)
    messages_dir.mkdir(parents=True)
    rows = []
    for number, entry in enumerate(result.messages, start=1):
        stem = f"{number:03d}-{_slug(entry.key)}"
        (messages_dir / f"{stem}.html").write_text(entry.message.html or "", encoding="utf-8")
        (messages_dir / f"{stem}.txt").write_text(entry.message.text, encoding="utf-8")
        eml = _eml_for(app, entry)
        if eml is not None:
            shutil.copyfile(eml, messages_dir / f"{stem}.eml")
        rows.append(
            {
                "to": ", ".join(entry.message.to),
                "subject": entry.message.subject,
                "status": entry.status.value,
                "html": f"messages/{stem}.html",
                "text": f"messages/{stem}.txt",
                "eml": f"messages/{stem}.eml",
            }
        )
    assets_by_entity: dict[str, list[str]] = {}
    for asset in profile.assets:
        assets_by_entity.setdefault(asset.entity, []).append(asset.name)
    page = render(
        "demo/index.html",
        profile=profile,
        steps=result.steps,
        messages=rows,
        pages=[],
        reports=[],
        assets_by_entity=assets_by_entity,
        base_url=app.settings.base_url,
        home=app.settings.home,
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )
    result.index.write_text(page, encoding="utf-8")


def _eml_for(app: App, entry: OutboxEntry) -> Path | None:
    ref = entry.provider_ref
    if ref and ref.endswith(".eml") and Path(ref).is_file():
        return Path(ref)
    return None


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:60]
