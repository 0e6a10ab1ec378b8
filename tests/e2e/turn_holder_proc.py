"""A firstmate process holding an org's turn (`leases.exclusive`), for tests that stop it (SIGKILL, Ctrl-C).

`python turn_holder_proc.py hold demo weekly-build#2026-11-09 2026-11-16T15:01:00+00:00`: takes the turn at that
moment (a fixed clock) and prints "held", then sleeps; `... taking ...`: prints "taken" in the instant its take is
stored, before the turn is entered (where a Ctrl-C left it held for its ten minutes), and sleeps there. Configured by
FIRSTMATE_* like the real thing.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Any

from firstmate.adapters.clock import FixedClock
from firstmate.bootstrap import build
from firstmate.config import load_settings
from firstmate.services import leases


def main() -> None:
    how, org, name, at = sys.argv[1:5]
    app = build(load_settings(), clock=FixedClock(datetime.fromisoformat(at)))
    if how == "taking":
        take = leases._take

        def taken_then_stopped(*args: Any) -> Any:
            stored = take(*args)
            print("taken", flush=True)
            time.sleep(60)  # Ctrl-C lands here: the take stored, the turn not entered yet
            return stored

        leases._take = taken_then_stopped
    with leases.exclusive(app, org, name, doing="building the weekly report"):
        print("held", flush=True)
        time.sleep(60)


if __name__ == "__main__":
    main()
