"""What the load and fault tests share: a prepared FIRSTMATE_HOME, a real `firstmate serve`, and
reads of the outbox ledger. Everything runs on loopback; waits are bounded by generous deadlines,
never by how fast this machine happens to be."""

from __future__ import annotations

import collections
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from firstmate.bootstrap import App, build
from firstmate.config import load_settings
from firstmate.demo.run import demo_people, demo_profile
from firstmate.domain.outbox import OutboxEntry
from firstmate.services import outbox
from firstmate.services.business import save_business
from firstmate.services.keys import create_key
from firstmate.services.people import save_people
from tests.smtp_server import SmtpServer, free_port

FIRSTMATE = Path(sys.executable).with_name("firstmate")
DISPATCHER = Path(__file__).parents[1] / "e2e" / "dispatcher_proc.py"
ORG = "demo"


def prepare_home(home: Path, *, crew: int = 4) -> str:
    """The demo business and its first `crew` people on a fresh home; returns a service key. The
    business has no ad account: a `firstmate serve` started on a Monday morning would otherwise run
    the weekly report (no Meta token here), and mail the owner that it failed, into the outbox these
    tests count exactly."""
    app = build(load_settings(home=home))
    try:
        profile = demo_profile()
        entities = tuple(entity.model_copy(update={"meta_ad_account": None}) for entity in profile.entities)
        save_business(app.store, profile.model_copy(update={"entities": entities}))
        save_people(app.store, ORG, demo_people()[:crew])
        return create_key(app.store, ORG, "load-tests", app.clock.now())[1]
    finally:
        app.close()


@dataclass
class Served:
    """A running `firstmate serve`."""

    url: str
    process: subprocess.Popen[bytes]


@contextmanager
def serving(home: Path, env: dict[str, str], *, base_url: bool = True) -> Iterator[Served]:
    """`firstmate serve` on a free loopback port (with its dispatcher), stopped afterwards; links
    made for it by FIRSTMATE_BASE_URL, or by the server itself without `base_url`. Its output goes
    to serve.log beside the home (a pipe nobody reads could fill and stall it)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**env, "FIRSTMATE_BASE_URL": url} if base_url else env
    log = home.parent / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [FIRSTMATE, "serve", "--port", str(port)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: _answers(url, process, log), timeout=60, what="firstmate serve to start")
        yield Served(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _answers(url: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    if process.poll() is not None:
        raise AssertionError(f"firstmate serve exited with {process.returncode}: {log.read_text()[-2000:]}")
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def wait_until(done: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> None:
    """Poll `done` until it holds; fail naming `what` after `timeout` seconds (a generous bound,
    not a performance claim)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {timeout:g} s for {what}")
        time.sleep(every)


def ledger(app: App, org: str = ORG) -> dict[str, OutboxEntry]:
    """Every outbox entry of `org`, by key."""
    entries = outbox.list_entries(app.store, org, limit=1_000_000)
    return {e.key: e for e in entries}


def statuses(app: App, org: str = ORG) -> collections.Counter[str]:
    """How many outbox entries are in each status."""
    return collections.Counter(e.status.value for e in ledger(app, org).values())


def received_keys(smtp: SmtpServer) -> collections.Counter[str]:
    """How many times the SMTP server accepted each X-Firstmate-Key."""
    with smtp.recorder.lock:
        return collections.Counter(str(r.message["X-Firstmate-Key"]) for r in smtp.recorder.received)


def count_items(db: Path, pk_like: str, sk: str | None = None) -> int:
    """How many items of the SQLite file have a pk LIKE `pk_like` (and sort key `sk`), read
    straight from the file: what no store method could count, such as guest page codes."""
    sql, args = "SELECT count(*) FROM items WHERE pk LIKE ?", [pk_like]
    if sk is not None:
        sql, args = sql + " AND sk = ?", [*args, sk]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return int(conn.execute(sql, args).fetchone()[0])
