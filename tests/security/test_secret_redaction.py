"""Secret redaction across every report and the logs: with secrets in firstmate's own settings, its
secrets store, the sources' tokens and a service's configuration in the business data, no value
of theirs reaches any report built (the weekly report and the eight role reports, in every format,
stored, mailed and shown on the admin pages), any raw archive, or any log line.

(tests/unit/test_report_secrets.py holds the property test of the report builders themselves.)
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient
from pydantic import SecretStr
from pypdf import PdfReader

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.business_data import write_demo_data
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.reports.document import ROLES
from firstmate.logs import configure_logging
from firstmate.services import outbox
from firstmate.services.business import save_business
from firstmate.services.data import check_data, import_data
from firstmate.services.intel import run_weekly
from firstmate.services.people import save_people
from firstmate.services.reports import run_role_reports
from firstmate.standin.data import build_history
from firstmate.standin.server import HUBSPOT_TOKEN, META_TOKEN, running
from tests.security.conftest import book, operator

TODAY = date(2026, 11, 21)
WEEK = date(2026, 11, 9)
#: Secret values planted everywhere a report could read configuration from.
SETTINGS_SECRETS = {"smtp_password": "Smtp-Pass-4f9Qx2", "secret_key": "signing-key-" + "k7Zq" * 10}
STORE_SECRETS = {"FIRSTMATE_SECRET_META_ACCESS_TOKEN": META_TOKEN, "FIRSTMATE_SECRET_HUBSPOT_TOKEN": HUBSPOT_TOKEN}
SERVICE_CONFIG = {
    "STRIPE_SECRET_KEY": "sk_live_51HxQmBz8kLmN0pQrStUvWx",
    "JWT_SECRET": "plainwordsecretvalue42",
    "DATABASE_URL": "postgres://app:Zq8mW2xR7t@db.example.com/app",
    "REGION": "AKIAQ3EXAMPLEKEY7Z9",
    "NOTE": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvd25lciJ9.c2lnbmF0dXJlX3ZhbHVlXzE",
}
SECRETS = [*SETTINGS_SECRETS.values(), *STORE_SECRETS.values(), *SERVICE_CONFIG.values(), "Zq8mW2xR7t"]


def _with_a_configured_service(folder: Path) -> Path:
    """The demo data folder plus a service whose configuration holds secrets."""
    config = "\n".join(f"    {name}: '{value}'" for name, value in SERVICE_CONFIG.items())
    with (folder / "infrastructure.yaml").open("a") as file:
        file.write(
            "\n- id: payments\n  name: Payments\n  kind: hosting\n  monthly_cost: 10.00\n  runtime: python3.12\n"
            f'  version: "1.0.0"\n  used_by: [saltwind-charters]\n  config:\n{config}\n'
        )
    return folder


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("json", "debug", stream=stream)
    yield stream
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


@pytest.fixture
def configured(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    for name, value in STORE_SECRETS.items():
        monkeypatch.setenv(name, value)
    secrets = {k: SecretStr(v) for k, v in SETTINGS_SECRETS.items()}
    app = build(load_settings(home=tmp_path / "home", smtp_username="mailer", **secrets), clock=clock)
    save_business(app.store, demo_profile())
    save_people(app.store, "demo", demo_people())
    raw = read_data_folder(_with_a_configured_service(write_demo_data(tmp_path / "data", TODAY)))
    assert not isinstance(raw, list), raw
    clock.set(datetime(2026, 11, 21, 15, tzinfo=UTC))  # TODAY, whose data is imported: its jobs were delivered
    import_data(app.store, "demo", check_data(app.store, "demo", raw, clock=app.clock))
    yield app
    app.close()


def _readable(key: str, body: bytes) -> str:
    if key.endswith(".pdf") or body.startswith(b"%PDF"):
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def _leaks(where: str, text: str) -> list[str]:
    compact = re.sub(r"\s+", "", text)  # a wrapped line in a PDF or a text part must not hide one
    return [f"{where} shows {secret[:6]}…" for secret in SECRETS if secret in text or secret in compact]


def test_no_secret_reaches_any_report_archive_mail_or_admin_page(configured: App, logs: io.StringIO) -> None:
    app = configured
    with running(build_history(WEEK)) as standin:
        ads = MetaAdsSource(standin.url, lambda: app.secrets.get("meta_access_token"), sleep=lambda _: None)
        crm = HubSpotSource(standin.url, lambda: app.secrets.get("hubspot_token"), sleep=lambda _: None)
        weekly = run_weekly(app, "demo", ads, crm, send=True)
    roles = run_role_reports(app, "demo", ROLES, as_of=TODAY, send=True, secrets=app.secrets)
    assert {r.role for r in roles} == set(ROLES) and weekly.sent_to
    cto = next(r for r in roles if r.role == "cto").report.text
    assert "STRIPE_SECRET_KEY" in cto and "FIRSTMATE_SMTP_PASSWORD" in cto  # named, so the CTO can act

    leaks: list[str] = []
    blobs = app.blobs.list("")
    assert {b.key.split("/")[0] for b in blobs} >= {"reports", "raw"}
    for blob in blobs:
        leaks += _leaks(blob.key, _readable(blob.key, app.blobs.get(blob.key)))
    mails = outbox.list_entries(app.store, "demo", limit=1000)
    assert len(mails) >= len(ROLES) + 2
    for entry in mails:
        message = entry.message
        leaks += _leaks(f"mail {entry.key}", "\n".join([message.subject, message.text, message.html or ""]))
    admin = operator(app)
    for role in ROLES:
        for kind in ("html", "txt", "json", "pdf"):
            page = admin.get(f"/admin/reports/demo/roles/{role}/{TODAY}", params={"format": kind})
            assert page.status_code == 200
            leaks += _leaks(f"admin page {role}.{kind}", _readable(kind, page.content))
    for path in ("/admin/reports", f"/admin/reports/demo/{WEEK}", "/admin/data/demo/infrastructure", "/admin/outbox"):
        page = admin.get(path)
        assert page.status_code == 200
        leaks += _leaks(f"admin page {path}", page.text)
    leaks += _leaks("the logs", logs.getvalue())
    assert leaks == []


def test_a_source_token_in_a_request_url_never_reaches_the_logs(logs: io.StringIO) -> None:
    configure_logging("json", "info", stream=logs)  # firstmate's default level
    with running(build_history(WEEK)) as standin:
        MetaAdsSource(standin.url, lambda: META_TOKEN, sleep=lambda _: None).pull("1001", WEEK, WEEK)
    assert "HTTP Request" in logs.getvalue() and META_TOKEN not in logs.getvalue()


def test_no_token_reaches_the_logs_whatever_is_requested(client: TestClient, demo_app: App, logs: io.StringIO) -> None:
    from firstmate.services.access import admin_link_token
    from firstmate.services.calendar import Feed, FeedScope, feed_token
    from tests.conftest import crew_link

    trip = book(demo_app)
    secrets = {
        "crew link": crew_link(demo_app, "demo", "theo").split("t=")[1],
        "admin link": admin_link_token(demo_app.secret_key, demo_app.clock.now()),
        "feed": feed_token(demo_app.secret_key, demo_app.store, Feed("demo", FeedScope.CREW, "theo")),
        "guest code": trip.guest_code,
    }
    paths = [
        f"/crew/enter?t={secrets['crew link']}",
        f"/admin/enter?t={secrets['admin link']}",
        f"/calendar/{secrets['feed']}.ics",
        f"/g/{trip.guest_code}",
        f"/g/{trip.guest_code.lower()}/waiver.pdf",
        f"/g/{trip.guest_code}/photos/check?id=0123456789abcdef",
    ]
    access = logging.getLogger("uvicorn.access")
    for path in paths:
        status = client.get(path, follow_redirects=False).status_code
        # the line uvicorn writes for every request, through firstmate's logging
        access.info('%s - "%s %s HTTP/%s" %d', "203.0.113.9:5123", "GET", path, "1.1", status)
    structlog.get_logger("t").info("http", path=paths[0], url=f"https://x.example{paths[2]}", token=secrets["feed"])
    written = logs.getvalue()
    assert written.count("GET /") == len(paths)  # every line was written…
    leaked = [name for name, secret in secrets.items() if secret in written or secret.lower() in written.lower()]
    assert leaked == []  # …and none shows a token


def test_guest_codes_never_reach_the_logs() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    structlog.get_logger("t").info("http", path="/g/KVWS3MH23H/waiver.pdf")
    assert "KVWS3MH23H" not in stream.getvalue() and re.search(r"/g/\[redacted\]", stream.getvalue())
