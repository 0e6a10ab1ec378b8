"""A job's try names the process running it (`this_process`), and `jobs list` tells whether that process is gone
(`process_gone`): never a live one, nor one of another machine, taken for gone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from firstmate.adapters.processes import process_gone, this_process


def _ended_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_a_live_process_is_not_gone_an_ended_one_is_and_another_machines_is_never_said_gone() -> None:
    here = this_process()
    assert not process_gone(here)
    ended = {**here, "pid": _ended_pid()}
    assert process_gone(ended)
    assert not process_gone({**ended, "host": "another-laptop.example.com"})  # not to be looked at here
    assert not process_gone({"host": here["host"]})  # a record naming no process


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="start times are read from /proc (Linux)")
def test_a_pid_in_use_by_a_later_process_is_gone_and_a_runner_of_another_boot_is_not_looked_at() -> None:
    here = this_process()
    assert process_gone({**here, "started": "1"})  # this pid, but a process started at another time held it
    assert not process_gone({**here, "pid": _ended_pid(), "boot": "another-boot"})
    assert not process_gone({**here, "pid": _ended_pid(), "pid_ns": "pid:[1]"})  # a container beside


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="start times are read from /proc (Linux)")
def test_a_live_process_that_proc_does_not_show_is_not_said_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jobs list` run by the operator while the worker runs as another user, /proc mounted with hidepid (a
    hardened laptop or server): the worker's pid answers signal 0 but its /proc entry is hidden, and its live try
    read "stopped (its process is gone)": the operator ran the weekly report again beside it. Unreadable, it is not
    guessed gone; nor when this process cannot tell its own boot or pid namespace, a runner's being recorded."""
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stat = Path(f"/proc/{worker.pid}/stat").read_text()
        runner = {**this_process(), "pid": worker.pid, "started": stat[stat.rindex(")") + 2 :].split()[19]}
        hidden = tmp_path / "proc"  # /proc as hidepid shows it: this process's own entry, not the worker's
        hidden.mkdir()
        for name in ("self", "sys"):
            (hidden / name).symlink_to(Path("/proc") / name)
        monkeypatch.setattr("firstmate.adapters.processes._PROC", hidden)
        assert not process_gone(runner)

        (hidden / "self").unlink()  # this process's own pid namespace unreadable: a runner's cannot be compared
        assert not process_gone({**runner, "pid": _ended_pid()})
    finally:
        worker.kill()
        worker.wait(timeout=30)
