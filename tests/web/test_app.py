"""The web app: health, OpenAPI, admin sign-in, and the outbox as its recipients see it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.demo.run import run_demo
from firstmate.domain.mail import InlineImage, OutgoingMessage
from firstmate.domain.outbox import OutboxStatus
from firstmate.services import outbox
from firstmate.services.access import admin_link_token
from firstmate.web.app import create_app
from tests.e2e.test_outbox_delivery import _demo_business, partly_sent_then_ended

HTML = {"accept": "text/html"}


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(app)) as test_client:
        yield test_client


def _sign_in(client: TestClient, app: App) -> None:
    token = admin_link_token(app.secret_key, app.clock.now())
    response = client.get(f"/admin/enter?t={token}", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/outbox"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert health.json()["database"] == health.json()["blobs"] == health.json()["disk"] == "ok"
    assert health.json()["disk_free_mb"] > 0
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "firstmate" and "/healthz" in spec["paths"]
    assert not any(path.startswith("/admin") for path in spec["paths"])


def test_the_outbox_lists_messages_and_renders_them_as_received(client: TestClient, app: App, tmp_path: Path) -> None:
    run_demo(app, tmp_path / "out")
    chart = InlineImage(cid="chart1", data=b"\x89PNG\r\n\x1a\nrest")
    outbox.enqueue(
        app.store,
        "demo",
        [
            OutgoingMessage(
                idempotency_key="demo:test:<script>",
                sender="ops@example.com",
                to=("captain@example.com",),
                subject="<script>alert(1)</script> roster",
                text="plain part",
                html='<p>Chart</p><img src="cid:chart1">',
                images=(chart,),
            )
        ],
        app.clock.now(),
    )
    _sign_in(client, app)
    listing = client.get("/admin/outbox", headers=HTML)
    assert listing.status_code == 200
    assert "firstmate is set up for Saltwind Holdings" in listing.text
    assert "<script>alert(1)</script>" not in listing.text and "&lt;script&gt;" in listing.text
    sent = len(outbox.list_entries(app.store, "demo", status=OutboxStatus.SENT))
    assert sent == 23  # the welcome, six messages for each of two bookings, two weekly reports, eight role reports
    assert client.get("/admin/outbox?status=sent", headers=HTML).text.count("<tr class=") == sent
    assert client.get("/admin/outbox?status=pending", headers=HTML).text.count("<tr class=") == 1
    assert client.get("/admin/outbox?status=bogus").status_code == 422
    assert 'rel="next"' not in listing.text  # one page: no pager
    many = [OutgoingMessage(idempotency_key=f"demo:bulk:{n}", sender="ops@example.com", to=("crew@example.com",),
                            subject=f"Bulk {n}", text="x", html="<p>x</p>") for n in range(200)]  # fmt: skip
    outbox.enqueue(app.store, "demo", many, app.clock.now())
    crowded = client.get("/admin/outbox", headers=HTML).text  # 224 in all: the newest 200, then the rest
    assert crowded.count("<tr class=") == 200 and 'rel="next">older</a>' in crowded and 'rel="prev"' not in crowded
    next_page = html.unescape(re.findall(r'href="([^"]+)" rel="next"', crowded)[0])
    assert "after=" in next_page  # the row it follows
    older = client.get(f"/admin/outbox{next_page}", headers=HTML).text  # only the newest 200 were reachable
    assert older.count("<tr class=") == 24 and 'rel="prev">newer</a>' in older and 'rel="next"' not in older
    links = {k for page in (crowded, older) for k in re.findall(r'href="/admin/outbox/demo/([^"]+)"', page)}
    assert len(links) == 224  # every message a link away, once
    found = client.get("/admin/outbox?q=OWNER@EXAMPLE.COM&status=sent", headers=HTML).text  # by recipient, any case
    assert 0 < found.count("<tr class=") < 224 and 'value="OWNER@EXAMPLE.COM"' in found
    bulk = client.get("/admin/outbox?q=bulk%2019&page=1", headers=HTML).text
    assert bulk.count("<tr class=") == 11  # Bulk 19, 190–199
    assert client.get("/admin/outbox?page=3").status_code == 404  # past the last page: said
    assert client.get("/admin/outbox?page=0").status_code == 422

    detail = client.get("/admin/outbox/demo/demo:welcome:v1", headers=HTML)
    assert detail.status_code == 200
    assert "owner@example.com" in detail.text and 'sandbox srcdoc="' in detail.text
    assert "Saltwind Charters" in detail.text
    chart_page = client.get("/admin/outbox/demo/demo:test:%3Cscript%3E", headers=HTML)
    assert chart_page.status_code == 200 and "data:image/png;base64," in chart_page.text
    assert client.get("/admin/outbox/demo/nope", headers=HTML).status_code == 404
    assert client.get("/admin/outbox/other-org/demo:welcome:v1").status_code == 404


def test_the_outbox_says_a_withdrawn_or_out_of_date_message_reached_some_not_that_it_was_not_sent(
    client: TestClient, app: App, clock: FixedClock
) -> None:
    """A message the relay took for the audit Bcc alone, then withdrawn (its trip cancelled) or out of
    date before its retry: the outbox listed it "not sent: …", and its page said so twice ("out of date:
    it is not sent"), though the audit address had it."""
    _demo_business(app)
    cancelled, late = partly_sent_then_ended(app, clock)
    _sign_in(client, app)
    listing = client.get("/admin/outbox", headers=HTML).text
    withdrawn = "withdrawn after it reached audit@example.com, not sent to owner@example.com: the trip was cancelled"
    expired = "expired after it reached audit@example.com, not sent to owner@example.com: out of date since "
    assert withdrawn in listing and expired in listing and "not sent:" not in listing
    for key, said in ((cancelled, withdrawn), (late, expired)):
        page = client.get(f"/admin/outbox/demo/{key}", headers=HTML).text
        assert said in page and "Already sent to</dt><dd>audit@example.com (not to them again)" in page
        assert "out of date: not sent to the others, nor retried" in page
        assert "not sent:" not in page and "it is not sent" not in page


def test_only_dead_messages_can_be_retried(client: TestClient, app: App, tmp_path: Path) -> None:
    run_demo(app, tmp_path / "out")
    _sign_in(client, app)
    response = client.post("/admin/outbox/demo/demo:welcome:v1/retry", data={"confirm": "yes"})
    assert response.status_code == 422 and "only dead" in response.json()["detail"]
    assert outbox.get_entry(app.store, "demo", "demo:welcome:v1").status.value == "sent"


def test_the_outbox_pages_stay_put_while_messages_are_queued(client: TestClient, app: App, clock: FixedClock) -> None:
    """Messages queued between two page loads pushed every row down a place: the first row of the
    next page had been the last of this one (seen twice), and one row was never listed. The pages now
    show the list as it was when its first page was read, and say how many came since."""

    def bulk(prefix: str, count: int) -> None:
        messages = [
            OutgoingMessage(idempotency_key=f"demo:{prefix}:{n}", sender="ops@example.com", to=("crew@example.com",),
                            subject=f"{prefix} {n}", text="x")
            for n in range(count)
        ]  # fmt: skip
        outbox.enqueue(app.store, "demo", messages, clock.now())

    _demo_business(app)
    bulk("Earlier", 250)
    _sign_in(client, app)
    first = client.get("/admin/outbox", headers=HTML).text
    clock.advance(timedelta(minutes=1))
    bulk("Later", 3)
    second = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="next"', first)[0]))
    listed = [re.findall(r'href="/admin/outbox/demo/([^"]+)"', page) for page in (first, second.text)]
    assert len(listed[0]) == 200 and len(listed[1]) == 50 and not set(listed[0]) & set(listed[1])
    assert 'rel="next"' not in second.text and "3 messages queued since this list was read" in second.text
    newest = html.unescape(re.findall(r'href="([^"]+)">show the newest', second.text)[0])
    assert "upto" not in newest and "page" not in newest
    latest = client.get("/admin/outbox" + newest, headers=HTML).text
    assert latest.count("<tr class=") == 200 and "queued since" not in latest and "Later 0" in latest
    refused = client.get("/admin/outbox?upto=yesterday", headers=HTML)
    assert refused.status_code == 422 and "yesterday&#39; is no time with its offset" in refused.text


def test_the_outbox_pages_of_one_status_stay_put_while_messages_change_status(client: TestClient, app: App) -> None:
    """Found by a review: the dead messages listed 200 a page, an admin retried ten of the first page, and the
    next page began 200 rows into the shorter list: the ten rows that moved up onto the first page were never
    shown. Each page now follows the last row of the page before it, whatever left or joined the list."""
    _dead_messages(app, 250)
    _sign_in(client, app)
    first = client.get("/admin/outbox?status=dead", headers=HTML).text
    on_first = re.findall(r'href="/admin/outbox/demo/([^"]+)"', first)
    assert len(on_first) == 200 and 'rel="next">older</a>' in first
    for key in on_first[:10]:  # the admin retries ten of them: they are dead no more
        client.post(f"/admin/outbox/demo/{key}/retry", data={"confirm": "yes"})
    second = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="next"', first)[0]))
    on_second = re.findall(r'href="/admin/outbox/demo/([^"]+)"', second.text)
    assert sorted(on_first + on_second) == sorted(f"demo%3Arefused%3A{n:03}" for n in range(250)), second.text
    assert 'rel="next"' not in second.text  # the list's end
    back = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="prev"', second.text)[0]))
    assert re.findall(r'href="/admin/outbox/demo/([^"]+)"', back.text) == on_first[10:]
    for key in on_second:  # the rest retried too: the page after the first one's last row is its last
        client.post(f"/admin/outbox/demo/{key}/retry", data={"confirm": "yes"})
    rest = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="next"', first)[0])).text
    assert re.findall(r'href="/admin/outbox/demo/([^"]+)"', rest) == on_first[10:]
    refused = client.get("/admin/outbox?status=dead&after=yesterday", headers=HTML)
    assert refused.status_code == 422 and "&#39;yesterday&#39; is no place in the outbox" in refused.text


def _dead_messages(app: App, count: int) -> None:
    """The demo business, and `count` messages of its outbox refused for good ("550 refused"): dead."""
    from firstmate.ports import VersionIs

    _demo_business(app)
    messages = [
        OutgoingMessage(idempotency_key=f"demo:refused:{n:03}", sender="ops@example.com", to=("crew@example.com",),
                        subject=f"Refused {n}", text="x")
        for n in range(count)
    ]  # fmt: skip
    outbox.enqueue(app.store, "demo", messages, app.clock.now())
    for item in app.store.query(outbox.outbox_pk("demo"), "demo:refused:", limit=1000).items:
        dead = outbox.from_item(item).model_copy(update={"status": OutboxStatus.DEAD, "last_error": "550 refused"})
        app.store.put(outbox.to_item(dead), VersionIs(item.version))


def test_the_outbox_page_before_rows_that_all_left_the_list_is_its_first(client: TestClient, app: App) -> None:
    """Found by a review: an admin on the second page of the dead messages retried every one of the first page, then
    clicked 'newer': nothing preceded that page's first row any more, and the page read "No message matches." with
    50 dead messages left and no link to any of them. It is now the first page of the list as it stands."""
    _dead_messages(app, 250)
    _sign_in(client, app)
    first = client.get("/admin/outbox?status=dead", headers=HTML).text
    second = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="next"', first)[0])).text
    on_second = re.findall(r'href="/admin/outbox/demo/([^"]+)"', second)
    for key in re.findall(r'href="/admin/outbox/demo/([^"]+)"', first):
        client.post(f"/admin/outbox/demo/{key}/retry", data={"confirm": "yes"})
    newer = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)" rel="prev"', second)[0])).text
    assert "No message matches" not in newer
    assert re.findall(r'href="/admin/outbox/demo/([^"]+)"', newer) == on_second and len(on_second) == 50
    ahead = client.get("/admin/outbox?status=dead&before=9999-12-31T00:00:00.000000Z%20demo%20x", headers=HTML).text
    assert re.findall(r'href="/admin/outbox/demo/([^"]+)"', ahead) == on_second  # a place above every row: the first
