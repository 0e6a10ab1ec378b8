"""Write everything the demo produced into one folder a person can open: pages, feeds, messages."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.testclient import TestClient

from firstmate.bootstrap import App
from firstmate.demo.run import DEMO_ORG, DemoResult
from firstmate.domain.business import BusinessProfile
from firstmate.domain.codes import pretty_code
from firstmate.domain.timing import when
from firstmate.rendering import render
from firstmate.services.bookings import get_booking
from firstmate.services.calendar import Feed, FeedScope, feed_token
from firstmate.services.paging import all_items
from firstmate.services.trips import calendar_pk

STATIC = Path(__file__).parents[1] / "web" / "static"


def export_demo(app: App, client: TestClient, profile: BusinessProfile, result: DemoResult) -> None:
    """Fill `result.out` and write its index.html."""
    out = result.out
    for folder in ("messages", "pages", "calendar", "static"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
        (out / folder).mkdir(parents=True)
    shutil.copytree(STATIC, out / "static", dirs_exist_ok=True)
    messages = _messages(result)
    pages = _guest_pages(app, client, profile, result)
    feeds = _feeds(app, client, profile, out)
    page = render(
        "demo/index.html",
        profile=profile,
        steps=result.steps,
        messages=messages,
        pages=pages,
        feeds=feeds,
        reports=result.reports,
        assets_by_entity=_assets_by_entity(profile),
        base_url=app.settings.base_url,
        home=app.settings.home,
        api_key_hint=f"{result.api_key[:16]}…" if result.api_key else "",
        generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )
    result.index.write_text(page, encoding="utf-8")


def _messages(result: DemoResult) -> list[dict[str, str]]:
    rows = []
    for number, entry in enumerate(sorted(result.messages, key=lambda e: e.created_at), start=1):
        stem = f"{number:03d}-{_slug(entry.key)}"
        folder = result.out / "messages"
        (folder / f"{stem}.html").write_text(entry.message.html or "", encoding="utf-8")
        (folder / f"{stem}.txt").write_text(entry.message.text, encoding="utf-8")
        ref = entry.provider_ref
        if ref and ref.endswith(".eml") and Path(ref).is_file():
            shutil.copyfile(ref, folder / f"{stem}.eml")
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
    return rows


def _guest_pages(app: App, client: TestClient, profile: BusinessProfile, result: DemoResult) -> list[dict[str, Any]]:
    pages = []
    for item in all_items(app.store, calendar_pk(DEMO_ORG)):
        booking_id = item.data.get("booking_id")
        if not booking_id:
            continue
        booking = get_booking(app.store, DEMO_ORG, booking_id)
        html = client.get(f"/g/{booking.guest_code}").text.replace('href="/static/', 'href="../static/')
        name = f"guest-{booking.guest_code}.html"
        (result.out / "pages" / name).write_text(html, encoding="utf-8")
        request = booking.request
        pages.append(
            {
                "href": f"pages/{name}",
                "live": f"{app.settings.base_url}/g/{booking.guest_code}",
                "title": f"{when(request.start, profile.org.timezone)}: {request.lead_guest.name}, "
                f"{request.guest_count} guests ({request.source}, code {pretty_code(booking.guest_code)})",
            }
        )
    return pages


def _feeds(app: App, client: TestClient, profile: BusinessProfile, out: Path) -> list[dict[str, str]]:
    wanted = [
        (Feed(DEMO_ORG, FeedScope.ORG, DEMO_ORG), "org", f"{profile.org.name}: everything, with money (admins)"),
        *(
            (Feed(DEMO_ORG, FeedScope.ENTITY, e.id), f"entity-{e.id}", f"{e.name}: crew-safe")
            for e in profile.entities
            if e.kind.value == "charter"
        ),
        (Feed(DEMO_ORG, FeedScope.CREW, "priya"), "crew-priya", "Priya Halyard (crew): crew-safe"),
    ]
    feeds = []
    for feed, stem, title in wanted:
        token = feed_token(app.secret_key, app.store, feed)
        (out / "calendar" / f"{stem}.ics").write_bytes(client.get(f"/calendar/{token}.ics").content)
        feeds.append(
            {"href": f"calendar/{stem}.ics", "title": title, "live": f"{app.settings.base_url}/calendar/{token}.ics"}
        )
    return feeds


def _assets_by_entity(profile: BusinessProfile) -> dict[str, list[str]]:
    assets: dict[str, list[str]] = {}
    for asset in profile.assets:
        assets.setdefault(asset.entity, []).append(asset.name)
    return assets


def _slug(text: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in cleaned.split("-") if part)[:60]
