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


def test_a_password_that_would_go_unencrypted_is_refused_at_start_not_per_message(tmp_path: Path) -> None:
    """It was taken, and every message then went dead ("refusing to send the SMTP password …
    unencrypted") while the demo said "✓ Delivered 0 message(s)"."""
    relay = {"FIRSTMATE_MAILER": "smtp", "FIRSTMATE_SMTP_USERNAME": "firstmate", "FIRSTMATE_SMTP_STARTTLS": "false"}
    line = _refused(tmp_path / "home", {**relay, "FIRSTMATE_SMTP_HOST": "smtp.example.com"})
    assert line.startswith(
        "error: settings do not fit together: smtp_starttls is off, so smtp_username's password would go "
        "unencrypted to smtp_host (smtp.example.com): turn smtp_starttls on, or use a relay on this machine"
    )
    # a relay on this machine is what the mailer allows without encryption: it is still taken
    assert run(tmp_path / "local", "init", env={**relay, "FIRSTMATE_SMTP_HOST": "127.0.0.1"}).returncode == 0
