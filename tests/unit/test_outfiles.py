"""Copies of reports written into an `--out` folder once the work is kept (`written_once_done`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from firstmate.errors import LeaseLost
from firstmate.services.outfiles import written_once_done


def test_a_build_taken_over_beside_another_into_one_folder_leaves_the_others_copies_whole(tmp_path: Path) -> None:
    """Two builds of the day's billing report into one `--out` folder at once: the one taken over (it stores
    nothing) wrote its copy beside its name after the other had, and removed it as it failed. Both used the same part
    file: the copy of the report stored was overwritten with the one not kept, then removed, and never landed (a
    warning in the log alone). Each build's copies are now its own until they land."""
    out = tmp_path / "out"
    with (
        written_once_done(out, {"billing.html": b"the report stored"}) as landed,  # the build that stores its report
        pytest.raises(LeaseLost),
        written_once_done(out, {"billing.html": b"the report not kept"}),  # beside it, the one taken over
    ):
        raise LeaseLost("another took over: nothing more of it was stored")

    assert landed == [out / "billing.html"] and (out / "billing.html").read_bytes() == b"the report stored"
    assert sorted(p.name for p in out.iterdir()) == ["billing.html"]  # no part file left behind


def test_a_build_that_fails_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """A build failing before its report is stored leaves yesterday's copy as it was, and no part file."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "billing.html").write_bytes(b"yesterday's")
    with pytest.raises(LeaseLost), written_once_done(out, {"billing.html": b"today's", "billing.txt": b"today's"}):
        raise LeaseLost("another took over: nothing more of it was stored")
    assert sorted(p.name for p in out.iterdir()) == ["billing.html"]
    assert (out / "billing.html").read_bytes() == b"yesterday's"
