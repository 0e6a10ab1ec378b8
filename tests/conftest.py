"""Shared fixtures: a clean environment, settings on a temporary FIRSTMATE_HOME, a movable clock."""

from __future__ import annotations

import email
import io
import os
import re
import signal
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from firstmate.adapters.aws.resources import create_resources
from firstmate.adapters.clock import FixedClock
from firstmate.adapters.store.dynamodb import DynamoStore
from firstmate.adapters.store.dynamodb import store as dynamodb_store
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.bootstrap import App, build
from firstmate.config import Settings, load_settings
from firstmate.domain.mail import SignInLink
from firstmate.ports import Store
from firstmate.services import outbox
from firstmate.services.access import crew_link_token
from firstmate.services.bookings import get_booking
from firstmate.services.crew_access import LINK_TTL
from firstmate.services.trips import get_event
from firstmate.web.app import create_app
from tests.moto_server import REGION, MotoServer
from tests.smtp_server import SmtpServer

START = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)

# Run in the background by a script (`pytest ... &`: no job control), pytest starts with SIGINT ignored, and the
# processes the Ctrl-C tests start inherit it: their Ctrl-C did nothing. A terminal's processes have it, as here.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def store_on(request: pytest.FixtureRequest, tmp_path: Path, name: str, now: datetime) -> Iterator[Store]:
    """A store named `name` on the adapter the fixture's param names ("sqlite", or "dynamodb" on moto's server),
    its clock at `now`: for a fixture whose tests run on both."""
    clock = FixedClock(now)
    if request.param == "dynamodb":
        request.getfixturevalue("aws")
        create_resources(REGION, table=name, bucket=f"{name}-data", archive_bucket=f"{name}-archive")
        yield DynamoStore(name, clock, region=REGION)
        return
    built = SqliteStore(tmp_path / f"{name}.db", clock)
    yield built
    built.close()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No FIRSTMATE_* variable or firstmate.toml of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("FIRSTMATE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def app(settings: Settings, clock: FixedClock) -> Iterator[App]:
    built = build(settings, clock=clock)
    yield built
    built.close()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a free loopback port, stopped after the test."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def demo_app(app: App) -> App:
    """The app with the demo business and its crew loaded."""
    from firstmate.demo.run import demo_people, demo_profile
    from firstmate.services.business import save_business
    from firstmate.services.people import save_people

    save_business(app.store, demo_profile())
    save_people(app.store, "demo", demo_people())
    return app


@pytest.fixture
def client(demo_app: App) -> Iterator[TestClient]:
    """The web app on the demo business, as a browser or an API client reaches it."""
    with TestClient(create_app(demo_app)) as test_client:
        yield test_client


@pytest.fixture
def api_key(demo_app: App) -> str:
    """A service key for the demo org."""
    from firstmate.services.keys import create_key

    return create_key(demo_app.store, "demo", "tests", demo_app.clock.now())[1]


def booking_body(**changes: object) -> dict[str, object]:
    """A valid API booking body (a 3-hour charter on Sea Lark), with `changes` applied."""
    body: dict[str, object] = {
        "source": "direct",
        "external_id": "WEB-1001",
        "asset": "sea-lark",
        "start": "2026-06-13T16:00:00-07:00",
        "duration_hours": 3,
        "guest_count": 6,
        "gross_amount": "840.75",
        "currency": "USD",
        "lead_guest": {"name": "Dana Whitcomb", "email": "dana@example.com", "phone": "+1 415 555 0148"},
        "notes": "Birthday cake aboard",
        "private_notes": "Repeat guest: 10% off",
    }
    body.update(changes)
    return body


def photo(kind: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    """A real photo file of `kind` (JPEG, PNG, WEBP), as a phone or a laptop would send one: the album takes
    only what decodes."""
    out = io.BytesIO()
    Image.new("RGB", size, (30, 110, 160)).save(out, kind)
    return out.getvalue()


def heic_photo() -> bytes:
    """A HEIC file's boxes (`ftyp` of brand heic, `meta`, `mdat`), each of its own length up to the file's end: what
    the album checks of a HEIC, having no HEIC decoder."""

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    meta = box(b"meta", b"\x00\x00\x00\x00" + box(b"hdlr", b"\x00" * 8 + b"pict" + b"\x00" * 13))
    return box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + meta + box(b"mdat", b"\x00" * 64)


def crew_link(app: App, org: str, person_id: str, purpose: str = "login") -> str:
    """A crew member's sign-in link as a sign-in mail carries it once sent (its token made now)."""
    link = SignInLink(org=org, person_id=person_id, purpose=purpose, valid_for_s=int(LINK_TTL.total_seconds()))
    return f"{app.settings.base_url}/crew/enter?t={crew_link_token(app.secret_key, link, app.clock.now())}"


def send_due(app: App) -> None:
    """Send whatever the outbox holds due now, as the dispatcher does (sign-in links are signed then)."""
    outbox.dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys)


def sent_mail(app: App, org: str, key: str) -> EmailMessage:
    """The outbox entry `key` as it reached the mail folder, sending whatever is due first (`send_due`)."""
    send_due(app)
    entry = outbox.get_entry(app.store, org, key)
    assert entry.provider_ref, f"{key} was not sent: {entry.status} {entry.last_error}"
    return email.message_from_bytes(Path(entry.provider_ref).read_bytes(), policy=policy.default)  # type: ignore[return-value]


def sign_on_page(client: TestClient, code: str, typed_name: str) -> None:
    """Sign the waiver on the guest page `code` as a guest does: the text's version as the page shows it, the name
    typed, the box ticked."""
    version = re.search(r'name="waiver_version" value="([0-9a-f]+)"', client.get(f"/g/{code}").text)
    assert version is not None
    form = {"typed_name": typed_name, "agree": "yes", "waiver_version": version.group(1)}
    assert client.post(f"/g/{code}/waiver", data=form, follow_redirects=False).status_code == 303


def mail_text(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def guest_code(app: App, event_id: str) -> str:
    """The lead guest's page code of the `demo` trip `event_id`."""
    return get_booking(app.store, "demo", get_event(app.store, "demo", event_id).booking_id).guest_code


def shows_gross(text: str, whole: str = "840") -> bool:
    """Whether `text` shows a gross of `whole` units (by default `booking_body()`'s) as money, however
    written ("840.75", "$840", "USD 840.75", "840,75 USD") and wherever: in a page, in JSON after an
    escaped line break, in a calendar line folded at 75 octets. But not the same digits inside an
    id, a token or a calendar UID, which are random and can hold them."""
    plain = text.replace("\r\n ", "").replace("\r\n\t", "")  # calendar lines unfolded
    plain = re.sub(r"\\[nrt]", " ", plain)  # JSON's and iCalendar's escaped line breaks and tabs
    digits = f"{whole[:-3]},?{whole[-3:]}" if len(whole) > 3 else whole  # 1150 is also written 1,150
    return re.search(rf"(?<![0-9A-Za-z_-]){digits}(?![0-9A-Za-z_-])", plain) is not None


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's AWS stand-in, one server process for the whole run."""
    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """A fresh, empty AWS account on moto's server; every AWS client in the test talks to it."""
    moto_server.reset()
    for name, value in moto_server.environ().items():
        monkeypatch.setenv(name, value)
    # moto answers a 100-item transaction in seconds on a busy 2-core machine, where DynamoDB takes milliseconds:
    # the store's 5 s read timeout is DynamoDB's, and a test of what firstmate does must not fail on moto's pace
    monkeypatch.setattr(dynamodb_store, "READ_TIMEOUT_S", 30.0)
    return moto_server


def firstmate_env(home: Path, smtp: SmtpServer | None = None, **extra: str) -> dict[str, str]:
    """The environment of a firstmate process on `home` (and `smtp`, when given); nothing of the
    developer's FIRSTMATE_* leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTMATE_")}
    # errors only: the warnings these tests provoke on purpose (SMTP down, store busy) are expected
    env.update(FIRSTMATE_HOME=str(home), FIRSTMATE_LOG_LEVEL="error", COLUMNS="200")
    if smtp is not None:
        env.update(
            FIRSTMATE_MAILER="smtp",
            FIRSTMATE_SMTP_HOST="127.0.0.1",
            FIRSTMATE_SMTP_PORT=str(smtp.port),
            FIRSTMATE_SMTP_STARTTLS="false",
        )
    env.update(extra)
    return env
