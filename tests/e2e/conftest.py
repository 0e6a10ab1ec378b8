"""Fixtures the end-to-end tests share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from firstmate.adapters.clock import FixedClock
from firstmate.adapters.sources.data_folder import read_data_folder
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.bootstrap import App, build
from firstmate.config import Settings
from firstmate.demo.business_data import write_demo_data
from firstmate.demo.run import demo_profile
from firstmate.services.business import save_business
from firstmate.services.data import check_data, import_data
from firstmate.standin.data import build_history
from firstmate.standin.server import HUBSPOT_TOKEN, META_TOKEN, StandIn, running

#: The day the demo's data folder of `data_app` is written for.
DEMO_DATA_DAY = date(2026, 11, 21)
#: Noon of DEMO_DATA_DAY in the demo business's zone (Los Angeles)
DEMO_DATA_NOW = datetime(2026, 11, 21, 20, 0, tzinfo=UTC)
#: The week the weekly report tests report, and when they run it.
INTEL_WEEK = date(2026, 11, 9)
INTEL_NOW = datetime(2026, 11, 21, 15, tzinfo=UTC)


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
    """The demo business with its data folder (of DEMO_DATA_DAY) imported, checked on that day (its jobs were
    delivered by then), whatever the app's clock says."""
    raw = read_data_folder(write_demo_data(tmp_path / "data", DEMO_DATA_DAY))
    assert not isinstance(raw, list)
    that_day = FixedClock(DEMO_DATA_NOW)
    import_data(demo_app.store, "demo", check_data(demo_app.store, "demo", raw, clock=that_day))
    return demo_app


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """The Meta and HubSpot stand-in, serving the history of INTEL_WEEK."""
    with running(build_history(INTEL_WEEK)) as server:
        yield server


@pytest.fixture
def intel_app(demo_app: App, clock: FixedClock) -> App:
    """The demo business at INTEL_NOW."""
    clock.set(INTEL_NOW)
    return demo_app


def intel_sources(url: str, meta_token: str = META_TOKEN) -> tuple[MetaAdsSource, HubSpotSource]:
    """The Meta and HubSpot sources of the stand-in at `url`, which never wait between retries."""
    return (
        MetaAdsSource(url, lambda: meta_token, sleep=lambda _: None),
        HubSpotSource(url, lambda: HUBSPOT_TOKEN, sleep=lambda _: None),
    )
