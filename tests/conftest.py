"""Shared fixtures: a clean environment, settings on a temporary FIRSTMATE_HOME, a movable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import App, build
from firstmate.config import Settings, load_settings
from tests.smtp_server import SmtpServer

START = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)


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
