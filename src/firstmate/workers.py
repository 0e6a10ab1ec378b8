"""Background loops: the outbox dispatcher and the scheduler, as threads that stop cleanly."""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from firstmate.bootstrap import App
from firstmate.jobs import declared_jobs
from firstmate.services.outbox import dispatch_outbox
from firstmate.services.scheduler import run_due_jobs

log = structlog.get_logger(__name__)
BATCH = 50


class Workers:
    """Runs the dispatcher and the scheduler until `stop()`."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start both loops in daemon threads."""
        settings = self._app.settings
        self._spawn("dispatcher", self.dispatch_once, settings.dispatch_interval_s)
        self._spawn("scheduler", self.schedule_once, settings.scheduler_interval_s)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask both loops to finish their current pass, and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def dispatch_once(self) -> bool:
        """One dispatcher pass; True when a full batch was handled (more may be waiting)."""
        app = self._app
        report = dispatch_outbox(app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys, limit=BATCH)
        return report.handled + report.skipped >= BATCH

    def schedule_once(self) -> bool:
        """One scheduler pass: every declared job but those this process's own loops do (`local=False`)."""
        jobs = [job for job in declared_jobs(self._app.settings) if job.local]
        run_due_jobs(self._app.store, self._app.clock, jobs, self._app)
        return False

    def _spawn(self, name: str, step: Callable[[], bool], interval: float) -> None:
        thread = threading.Thread(target=self._loop, args=(name, step, interval), name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _loop(self, name: str, step: Callable[[], bool], interval: float) -> None:
        log.info("worker.start", worker=name)
        while not self._stop.is_set():
            try:
                busy = step()
            except Exception:  # a failing pass must not end the loop; the next one retries
                log.exception("worker.pass_failed", worker=name)
                busy = False
            if not busy:
                self._stop.wait(interval)
        log.info("worker.stop", worker=name)
