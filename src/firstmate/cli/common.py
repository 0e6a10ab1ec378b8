"""What every command shares: consoles, settings, the App for one command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from firstmate.bootstrap import App, build
from firstmate.config import Settings, load_settings
from firstmate.logs import configure_logging

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
state: dict[str, Any] = {}


def settings() -> Settings:
    """Settings for this command (honouring --home)."""
    overrides = {"home": state["home"]} if state.get("home") else {}
    return load_settings(**overrides)


@contextmanager
def app_context() -> Iterator[App]:
    """The App for one command, closed afterwards; logs stay quiet unless --verbose."""
    current = settings()
    configure_logging(current.log_format, current.log_level if state.get("verbose") else "warning")
    app = build(current)
    try:
        yield app
    finally:
        app.close()
