"""Run the stand-ins on a free loopback port, in a background thread, for the demo and tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.applications import Starlette

from firstmate.standin import hubspot, meta, models
from firstmate.standin.data import History

META_TOKEN = "EAAG-standin-meta-token"  # fictional: the stand-in accepts only these
HUBSPOT_TOKEN = "pat-na1-standin-hubspot-token"


@dataclass
class StandIn:
    """A running stand-in: where it listens, and the knobs that make it misbehave."""

    url: str
    meta_faults: meta.MetaFaults = field(default_factory=meta.MetaFaults)
    hubspot_faults: hubspot.HubSpotFaults = field(default_factory=hubspot.HubSpotFaults)
    model: models.ModelScript = field(default_factory=models.ModelScript)


@contextmanager
def running(history: History) -> Iterator[StandIn]:
    """Serve `history` until the block ends."""
    meta_faults, hubspot_faults, model = meta.MetaFaults(), hubspot.HubSpotFaults(), models.ModelScript()
    app = Starlette(
        routes=meta.routes(history, meta_faults, META_TOKEN)
        + hubspot.routes(history, hubspot_faults, HUBSPOT_TOKEN)
        + models.routes(model)
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the stand-in server did not start")
        time.sleep(0.02)
    try:
        yield StandIn(url=url, meta_faults=meta_faults, hubspot_faults=hubspot_faults, model=model)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def ping(url: str) -> bool:
    """Whether a stand-in answers at `url`."""
    try:
        httpx.get(url, timeout=1)
    except httpx.TransportError:
        return False
    return True
