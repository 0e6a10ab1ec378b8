"""Fixtures the end-to-end tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstmate.bootstrap import build
from firstmate.config import Settings
from firstmate.demo.run import demo_profile
from firstmate.services.business import save_business


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A FIRSTMATE_HOME holding the demo business profile (no data yet), for the CLI to run on."""
    home = tmp_path / "home"
    app = build(Settings(home=home))
    save_business(app.store, demo_profile())
    app.close()
    return home
