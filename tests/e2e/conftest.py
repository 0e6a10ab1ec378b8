"""Fixtures the end-to-end tests share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.demo.business_data import write_demo_data
from firstmate.demo.run import demo_profile
from firstmate.services.business import save_business
from firstmate.services.data import check_data, import_data

#: The day the demo's data folder of `data_app` is written for.
DEMO_DATA_DAY = date(2026, 11, 21)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A FIRSTMATE_HOME holding the demo business profile (no data yet), for the CLI to run on."""
    home = tmp_path / "home"
    app = build(Settings(home=home))
    save_business(app.store, demo_profile())
    app.close()
    return home


@pytest.fixture
def data_app(demo_app: App, tmp_path: Path) -> App:
    """The demo business with its data folder (of DEMO_DATA_DAY) imported."""
    raw = read_data_folder(write_demo_data(tmp_path / "data", DEMO_DATA_DAY))
    assert not isinstance(raw, list)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw))
    return demo_app
