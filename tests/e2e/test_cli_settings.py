"""A setting firstmate cannot use stops every command as it starts: one line naming the setting and
where to fix it, exit 3, and nothing written (not even the home folder)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_cli import run


def _refused(home: Path, env: dict[str, str], *args: str) -> str:
    """The one line `firstmate` (init, unless `args` say otherwise) printed when it refused `env`."""
    done = run(home, *(args or ("init",)), env=env)
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1 and "unexpected" not in done.stderr, done.stderr
    assert not home.exists()  # refused before anything was made
    return done.stderr.strip()


def test_a_sender_that_is_not_an_address_is_refused_at_start(tmp_path: Path) -> None:
    """It was taken, and the first command to queue a message (the demo, a booking import) failed
    with an "unexpected ValidationError … report it" of several lines."""
    line = _refused(tmp_path / "home", {"FIRSTMATE_MAIL_FROM": "nobody"})
    assert line.startswith(
        "error: setting 'mail_from' is invalid: 'nobody' is not an email address like name@example.com (fix "
    )
    assert "FIRSTMATE_MAIL_FROM" in line
