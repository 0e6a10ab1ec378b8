"""Background loops: the outbox dispatcher and the scheduler, as threads that stop cleanly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from firstmate.bootstrap import App
from firstmate.jobs import declared_jobs
from firstmate.services.outbox import dispatch_outbox
from firstmate.services.scheduler import run_due_jobs, stop_running_tries
from firstmate.services.scheduler.records import WORKER_STOPPED

log = structlog.get_logger(__name__)
BATCH = 50
#: How long a stopping worker waits for its dispatcher before saying it is finishing a send.
MOMENT_S = 1.0
#: How long a stopping worker gives a scheduled job to end its run (one cut off is recorded stopped by hand, and taken
#: up by the next pass without counting as one of its tries).
JOB_GRACE_S = 10.0


class Workers:
    """Runs the dispatcher and the scheduler until `stop()`."""

    def __init__(self, app: App) -> None:
        self._app = app
        self._stop = threading.Event()
        self._threads: dict[str, threading.Thread] = {}
        self._ended: set[str] = set()  # the loops that have ended

    def start(self) -> None:
        """Start both loops in daemon threads."""
        settings = self._app.settings
        self._spawn("dispatcher", self.dispatch_once, settings.dispatch_interval_s)
        self._spawn("scheduler", self.schedule_once, settings.scheduler_interval_s)

    def stop(self, on_wait: Callable[[float], None] | None = None) -> None:
        """Ask both loops to stop, and wait for them before the caller closes the app. The
        dispatcher claims nothing more and finishes the message it is sending, recorded: the relay
        may have it, and left unrecorded it would go again. Its lease bounds that wait, and
        `on_wait(seconds)` is told once when it takes more than a moment. A scheduled job is given
        JOB_GRACE_S to end its run; one still running then is recorded stopped by hand, as Ctrl-C records it, where it
        was left `running` to be taken for stopped once the process was gone, and counted as one of its three tries."""
        self._stop.set()
        job_deadline = time.monotonic() + JOB_GRACE_S
        scheduler = self._threads.get("scheduler")
        try:
            self._finish_send(on_wait)
            if scheduler is not None:
                scheduler.join(max(job_deadline - time.monotonic(), 0.0))
        finally:  # past its grace (or Ctrl-C again): the try it runs is recorded stopped by hand, not left `running`
            if scheduler is not None and scheduler.is_alive():
                for record in stop_running_tries(WORKER_STOPPED):
                    log.warning("worker.job_stopped", record=record, grace_s=JOB_GRACE_S)

    @property
    def sending(self) -> bool:
        """Whether the dispatcher is still in a pass: once `stop()` is asked, finishing the message it sends.
        Told by its loop as it ends: a join that a Ctrl-C interrupts marks its thread ended (Python 3.11, 3.12)."""
        return "dispatcher" in self._threads and "dispatcher" not in self._ended

    def _finish_send(self, on_wait: Callable[[float], None] | None) -> None:
        """Wait for the dispatcher to record the send in flight, at most its lease."""
        dispatcher = self._threads.get("dispatcher")
        if dispatcher is None:
            return
        dispatcher.join(MOMENT_S)
        if not dispatcher.is_alive():
            return
        bound = self._app.retry_policy.lease.total_seconds()
        log.info("worker.finishing_send", within_s=bound)
        if on_wait is not None:
            on_wait(bound)
        dispatcher.join(bound)
        if dispatcher.is_alive():  # a send outliving its lease: another dispatcher may repeat it anyway
            log.warning("worker.send_unfinished", waited_s=bound)

    def send_waiting(self) -> None:
        """Send what is waiting, pass after pass in the dispatcher's thread, until nothing is left or `stop()` is
        asked: a Ctrl-C in this wait then lets `stop()` finish the message in flight, recorded, as a stopping worker
        does, where one raised in the middle of a send left it to go again once its lease had passed."""
        failed: list[BaseException] = []
        done = threading.Event()

        def drain() -> None:
            try:
                while not self._stop.is_set() and self.dispatch_once():
                    pass
            except Exception as exc:  # said by the caller, as a pass run in its own thread would be
                failed.append(exc)
            finally:
                self._ended.add("dispatcher")
                done.set()

        thread = threading.Thread(target=drain, name="dispatcher", daemon=True)
        self._threads["dispatcher"] = thread
        thread.start()
        while not done.wait(0.2):  # not a join: one a Ctrl-C cuts short marks the thread ended (Python 3.11)
            pass
        if failed:
            raise failed[0]

    def dispatch_once(self) -> bool:
        """One dispatcher pass; True when a full batch was handled (more may be waiting).
        Once `stop()` is asked, the pass ends after the message it is sending. On the laptop its claims name this
        process, and a claim whose dispatcher is gone (killed) is sent at once, not after its lease."""
        app = self._app
        report = dispatch_outbox(
            app.store, app.mailer, app.clock, app.retry_policy, keys=app.signing_keys, limit=BATCH, stop=self._stop,
            runner=app.this_process(), gone=app.process_gone(),
        )  # fmt: skip
        return report.handled + report.skipped >= BATCH

    def schedule_once(self) -> bool:
        """One scheduler pass: every declared job but those this process's own loops do (`local=False`)."""
        jobs = [job for job in declared_jobs(self._app.settings) if job.local]
        app = self._app  # a try whose process is gone (a killed worker on the laptop) is taken up at once
        run_due_jobs(app.store, app.clock, jobs, app, runner=app.this_process(), gone=app.process_gone())
        return False

    def _spawn(self, name: str, step: Callable[[], bool], interval: float) -> None:
        thread = threading.Thread(target=self._loop, args=(name, step, interval), name=name, daemon=True)
        thread.start()
        self._threads[name] = thread

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
        self._ended.add(name)
        log.info("worker.stop", worker=name)
