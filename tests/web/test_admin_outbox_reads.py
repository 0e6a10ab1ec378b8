"""The admin outbox reads from the store the page it shows (and a row more), not every message of
every org: a business sending a few thousand messages a month has tens of thousands within a year,
and each page load read and decoded them all (on DynamoDB, a full partition read per org)."""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App
from firstmate.domain import outbox as rules
from firstmate.domain.mail import OutgoingMessage
from firstmate.domain.outbox import OutboxEntry, OutboxStatus
from firstmate.jobs import sweep_expired
from firstmate.ports import Item, Put, Store
from firstmate.services import outbox
from tests.reads import RecordingStore, admin_browser

HTML = {"accept": "text/html"}
ROW = re.compile(r'href="/admin/outbox/([a-z-]+/[^"]+)"')


def _entry(org: str, n: int, clock: FixedClock, status: OutboxStatus) -> OutboxEntry:
    message = OutgoingMessage(idempotency_key=f"{org}:note:{n:05}", sender="ops@example.com",
                              to=(f"guest{n}@example.com",), subject=f"{org} note {n}", text="x")  # fmt: skip
    entry = rules.new_entry(org, message, clock.now() + timedelta(seconds=n))
    if status is OutboxStatus.SENT:
        return rules.record_sent(entry, entry.created_at + timedelta(seconds=1), f"ref-{n}")
    if status is OutboxStatus.DEAD:
        return entry.model_copy(update={"status": OutboxStatus.DEAD, "last_error": "550 no such mailbox"})
    return entry


def _store_all(store: Store, entries: list[OutboxEntry], *, shaped: bool = True) -> None:
    """Write `entries` as the outbox does, or (`shaped` False) as it did before sent ones were indexed."""
    items = [outbox.to_item(e) for e in entries]
    if not shaped:
        items = [
            dataclasses.replace(i, gsi1pk=None, gsi1sk=None)
            if i.gsi1pk == "OUTBOX#SENT"
            else dataclasses.replace(i, gsi1sk=f"{i.data['org']}#{i.sk}")
            if i.gsi1pk == "OUTBOX#DEAD"
            else i
            for i in items
        ]
    for start in range(0, len(items), 100):
        store.transact([Put(i) for i in items[start : start + 100]])


@pytest.fixture
def counted(app: App) -> Iterator[tuple[App, RecordingStore, TestClient]]:
    store = RecordingStore(app.store)
    with admin_browser(app, store) as (watched, client):
        yield watched, store, client


def _rows(page: str) -> list[str]:
    return [html.unescape(r) for r in ROW.findall(page)]


def _link(page: str, rel: str) -> str:
    return "/admin/outbox" + html.unescape(re.findall(rf'href="([^"]+)" rel="{rel}"', page)[0])


def test_an_outbox_page_reads_its_rows_not_every_message(
    counted: tuple[App, RecordingStore, TestClient], clock: FixedClock
) -> None:
    app, store, client = counted
    for org in ("demo", "harbour"):
        app.store.put(Item("ORGS", org, {}))
    # a year of one business and a little of another: sent, some dead, a few waiting
    entries = [_entry("demo", n, clock, OutboxStatus.SENT) for n in range(0, 1800, 2)]
    entries += [_entry("harbour", n, clock, OutboxStatus.SENT) for n in range(1, 600, 2)]
    entries += [_entry("demo", n, clock, OutboxStatus.DEAD) for n in range(1801, 1841, 2)]
    entries += [_entry("harbour", n, clock, OutboxStatus.PENDING) for n in range(1900, 1905)]
    _store_all(app.store, entries)
    newest_first = sorted(entries, key=lambda e: e.created_at, reverse=True)
    everyone = [f"{e.org}/{e.key}" for e in newest_first]
    clock.advance(timedelta(hours=2))

    store.read.clear()
    first = client.get("/admin/outbox", headers=HTML).text
    assert _rows(first) == [r.replace(":", "%3A") for r in everyone[:200]]
    # the page, a row more, the orgs, the open ones: not 1,265
    assert len(store.read) <= 2 * 201 + 5 + 10, len(store.read)

    store.read.clear()
    second = client.get(_link(first, "next"), headers=HTML).text
    assert _rows(second) == [r.replace(":", "%3A") for r in everyone[200:400]]
    assert len(store.read) <= 2 * 201 + 5 + 10, len(store.read)

    store.read.clear()
    dead = client.get("/admin/outbox?status=dead", headers=HTML).text
    assert len(_rows(dead)) == 20 and len(store.read) <= 20 + 10, len(store.read)  # the dead ones alone

    store.read.clear()
    own = client.get("/admin/outbox?org=harbour&status=sent", headers=HTML).text
    assert _rows(own) == [r.replace(":", "%3A") for r in everyone if r.startswith("harbour/")][5:205]
    assert len(store.read) <= 201 + 10, len(store.read)  # one org's: the other's are not read

    oldest = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)">oldest<', first)[0])).text
    assert _rows(oldest) == [r.replace(":", "%3A") for r in everyone[-200:]]
    assert client.get("/admin/outbox?page=3", headers=HTML).text.count("<tr class=") == 200  # an old address
    assert client.get("/admin/outbox?page=8").status_code == 404


def test_messages_stored_before_sent_ones_were_indexed_are_listed_after_the_sweep(
    counted: tuple[App, RecordingStore, TestClient], clock: FixedClock
) -> None:
    app, _, client = counted
    app.store.put(Item("ORGS", "demo", {}))
    entries = [_entry("demo", n, clock, OutboxStatus.SENT) for n in range(30)]
    entries += [_entry("demo", n, clock, OutboxStatus.DEAD) for n in range(30, 35)]
    entries += [_entry("demo", n, clock, OutboxStatus.PENDING) for n in range(35, 37)]
    _store_all(app.store, entries, shaped=False)
    clock.advance(timedelta(hours=1))
    said = sweep_expired(app, clock.now())  # the hourly job, after an upgrade
    assert "35 outbox entries indexed for the admin list" in said
    listed = _rows(client.get("/admin/outbox", headers=HTML).text)
    assert len(listed) == 37
    dead = _rows(client.get("/admin/outbox?status=dead", headers=HTML).text)
    assert len(dead) == 5
    versions = [i.version for i in app.store.query(outbox.outbox_pk("demo"), limit=100).items]
    assert "indexed" not in sweep_expired(app, clock.now())  # done once: nothing is written again
    assert [i.version for i in app.store.query(outbox.outbox_pk("demo"), limit=100).items] == versions


def test_a_search_reads_a_bounded_number_of_messages_and_says_where_it_stopped(
    counted: tuple[App, RecordingStore, TestClient], clock: FixedClock
) -> None:
    """A review: `?q=` read on until it had a page of matches, so a rare recipient read the whole outbox in
    one request (5,000 messages here, for the 3 sent to one guest long ago)."""
    app, store, client = counted
    app.store.put(Item("ORGS", "demo", {}))
    entries = [_entry("demo", n, clock, OutboxStatus.SENT) for n in range(5000)]
    rare = {10, 11, 12}  # the oldest messages but a few: found only after 4,987 others
    entries = [
        e.model_copy(update={"message": e.message.model_copy(update={"to": ("skipper.rare@example.com",)})})
        if n in rare
        else e
        for n, e in enumerate(entries)
    ]
    _store_all(app.store, entries)
    clock.advance(timedelta(hours=2))

    store.read.clear()
    first = client.get("/admin/outbox?q=skipper.rare", headers=HTML).text
    assert _rows(first) == [] and "No message matches" not in first
    assert "Searched 2,000 messages and stopped before finding one, to keep the page quick" in first
    assert len(store.read) <= 2000 + 60, len(store.read)  # not 5,000
    second = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)">search on<', first)[0])).text
    assert _rows(second) == [] and "Searched 2,000 messages and stopped before finding one" in second
    third = client.get("/admin/outbox" + html.unescape(re.findall(r'href="([^"]+)">search on<', second)[0])).text
    assert len(_rows(third)) == 3 and "search on" not in third  # the rest of the list: found, and no more to search
    assert client.get("/admin/outbox?q=guest4999", headers=HTML).text.count("<tr class=") == 1  # the newest: at once
    some = client.get("/admin/outbox?q=guest49", headers=HTML).text  # 100 in the newest 2,000, 11 older ones after
    assert len(_rows(some)) == 100 and "Searched 2,000 messages older than these and stopped" in some
