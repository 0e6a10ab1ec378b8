"""This machine's processes, as a job's try names the one running it (`this_process`) and `jobs list` looks at it
(`process_gone`): a try whose process was killed (kill -9, a closed terminal) reads stopped at once, where only its
lease's 30 minutes told before.

A process is named by its host, its pid and, on Linux, the kernel's boot id, its pid namespace and its start time:
a pid used again by a later process (after a reboot, or in a container beside) is not taken for it. Elsewhere
(macOS) the host and pid alone name it: a pid used again reads as the try still running, until its lease has
passed, as before; never a live try as stopped."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_PROC = Path("/proc")


def this_process() -> dict[str, Any]:
    """This process, as a run record names the one running its try."""
    return {"host": socket.gethostname(), "pid": os.getpid(), **_kernel_of("self")}


def process_gone(runner: Mapping[str, Any]) -> bool:
    """Whether the process `runner` names (`this_process`, in another process of this machine) is gone: no process
    has its pid, or the one that has is another (started at another time) or has ended (a zombie, its parent not
    yet told). False whenever it cannot be told: a runner of another machine (another host, boot or pid namespace, or
    one this process cannot read of itself), a live pid /proc does not show (hidepid: another user's worker), a
    record that names none, a system without signal 0 (Windows)."""
    pid = runner.get("pid")
    if os.name != "posix" or not isinstance(pid, int) or pid <= 0:
        return False
    here = {"host": socket.gethostname(), **_kernel_of("self")}
    # each of the machine's marks either names: one this process cannot read of itself is not taken for the same
    if any(runner.get(key) != here.get(key) for key in ("host", "boot", "pid_ns") if key in runner or key in here):
        return False
    try:
        os.kill(pid, 0)  # signal 0: sends nothing, says whether the pid is in use
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process has that pid: in use
        pass
    if not runner.get("started"):  # its start time unknown (macOS): a pid in use is taken for it
        return False
    try:
        state, started = _stat_of(str(pid))
    except FileNotFoundError:  # ended since signal 0 answered, or hidden (/proc's hidepid: another user's process)
        return _pid_free(pid)
    except OSError:
        return False
    return started != runner["started"] or state == "Z"


def _pid_free(pid: int) -> bool:
    """Whether no process has `pid` now (signal 0 asked again): one that /proc does not show may still run."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _kernel_of(pid: str) -> dict[str, str]:
    """What Linux tells of this process ("self"): the boot it runs in, its pid namespace and its start time (clock
    ticks after boot); {} where there is no /proc (macOS)."""
    try:
        _, started = _stat_of(pid)
        boot = (_PROC / "sys/kernel/random/boot_id").read_text().strip()
        namespace = str((_PROC / pid / "ns/pid").readlink())
    except OSError:
        return {}
    return {"boot": boot, "pid_ns": namespace, "started": started}


def _stat_of(pid: str) -> tuple[str, str]:
    """Process `pid`'s state ("Z": ended, its parent not yet told) and start time, from /proc (OSError without)."""
    stat = (_PROC / pid / "stat").read_text()
    # the command name, in brackets, may hold spaces and brackets: the fields follow its last ")"
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], fields[19]
