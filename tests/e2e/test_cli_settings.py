"""A setting firstmate cannot use stops every command as it starts: one line naming the setting and
where to fix it, exit 3, and nothing written (not even the home folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("offsets", "problem"),
    [
        ("[-2]", "each offset must be more than 0 and at most 720 hours (30 days) before departure, not -2"),
        ("[24, NaN]", "each offset must be more than 0 and at most 720 hours (30 days) before departure, not nan"),
        ("[1e12]", "each offset must be more than 0 and at most 720 hours (30 days) before departure, not 1e+12"),
        ('[24, "a"]', "item 2: the value is not a number: write it like 12 or 2.5"),
    ],
)
def test_a_reminder_offset_that_is_no_time_before_departure_is_refused_at_start(
    tmp_path: Path, offsets: str, problem: str
) -> None:
    """They were taken: the crew_reminders job then failed every 5 minutes (ValueError, OverflowError),
    or a negative offset never fired; a word named FIRSTMATE_REMINDER_OFFSETS_H.0, no variable at all."""
    line = _refused(tmp_path / "home", {"FIRSTMATE_REMINDER_OFFSETS_H": offsets})
    assert line.startswith(f"error: setting 'reminder_offsets_h' is invalid: {problem}"), line
    assert "FIRSTMATE_REMINDER_OFFSETS_H" in line and "OFFSETS_H." not in line and "offsets_h." not in line


@pytest.mark.parametrize(
    ("setting", "value", "most"),
    [
        ("outbox_base_delay_s", "inf", "604800"),
        ("outbox_max_delay_s", "1e300", "604800"),
        ("outbox_lease_s", "1e300", "3600"),
        ("dispatch_interval_s", "inf", "60"),
        ("scheduler_interval_s", "1e300", "300"),
    ],
)
def test_a_wait_longer_than_the_clock_can_reach_is_refused_at_start(
    tmp_path: Path, setting: str, value: str, most: str
) -> None:
    """They were taken, and then every command, even `keys list`, died with "unexpected OverflowError …
    report it" (and a dispatcher or scheduler thread stopped after its first pass)."""
    line = _refused(tmp_path / "home", {f"FIRSTMATE_{setting.upper()}": value})
    assert line.startswith(f"error: setting '{setting}' is invalid: the value is above {most}: write {most} or less (")
    assert f"FIRSTMATE_{setting.upper()}" in line


def test_a_lease_shorter_than_an_ses_send_is_refused_at_start(tmp_path: Path) -> None:
    """It was taken (only an SMTP relay's lease was checked), and a send outliving its lease went twice."""
    line = _refused(tmp_path / "home", {"FIRSTMATE_MAILER": "ses", "FIRSTMATE_OUTBOX_LEASE_S": "5"})
    assert line.startswith("error: settings do not fit together: outbox_lease_s (5) must be at least 23 with mailer")
    assert line.endswith("(fix them in firstmate.toml or their FIRSTMATE_ variables)")


def test_the_fix_names_the_settings_file_in_use_and_where_a_short_secret_key_was_set(tmp_path: Path) -> None:
    """With FIRSTMATE_CONFIG=alt.toml the hint said "'smtp_port' in firstmate.toml"; a short
    FIRSTMATE_SECRET_KEY said "the secret key is too short", naming neither the setting nor its source."""
    alt = tmp_path / "alt.toml"
    alt.write_text("smtp_port = 0\n")
    home, config = tmp_path / "home", {"FIRSTMATE_CONFIG": str(alt)}
    assert _refused(home, config) == (
        f"error: setting 'smtp_port' is invalid: the value is below 1: write 1 or more (fix 'smtp_port' in {alt})"
    )
    assert _refused(home, {**config, "FIRSTMATE_SMTP_PORT": "0"}).endswith("(fix FIRSTMATE_SMTP_PORT)")
    unfit = {"FIRSTMATE_SMTP_PORT": "25", "FIRSTMATE_MAILER": "smtp", "FIRSTMATE_SMTP_TIMEOUT_S": "60"}
    assert _refused(home, {**config, **unfit}).endswith(f"(fix them in {alt} or their FIRSTMATE_ variables)")
    short = "error: setting 'secret_key' is invalid: the secret key is too short (5 characters, at least 32)"
    assert _refused(home, {"FIRSTMATE_SECRET_KEY": "short"}) == f"{short} (fix FIRSTMATE_SECRET_KEY)"
    alt.write_text('secret_key = "short"\n')
    assert _refused(home, config) == f"{short} (fix 'secret_key' in {alt})"


def test_settings_valid_before_sessions_were_timed_still_start_and_the_senders_warn(tmp_path: Path) -> None:
    """An SMTP relay with a login, smtp_timeout_s 20 and outbox_lease_s 120 (the old default, and the
    documented 6 ×) stopped every command, `init` too, with "outbox_lease_s (120) must be at least 288.9"."""
    relay = {
        "FIRSTMATE_MAILER": "smtp", "FIRSTMATE_SMTP_HOST": "smtp.example.com", "FIRSTMATE_SMTP_USERNAME": "crew",
        "FIRSTMATE_SMTP_PASSWORD": "pw", "FIRSTMATE_SMTP_TIMEOUT_S": "20", "FIRSTMATE_OUTBOX_LEASE_S": "120",
    }  # fmt: skip
    home = tmp_path / "home"
    init = run(home, "init", env=relay)
    assert init.returncode == 0 and init.stderr == ""  # sends nothing: nothing to say
    worker = run(home, "worker", "--once", env={**relay, "FIRSTMATE_LOG_LEVEL": "warning"})
    assert worker.returncode == 0 and worker.stderr.splitlines() == [
        "warning: outbox_lease_s (120) is shorter than a full SMTP session at smtp_timeout_s (20) per wait (13 "
        "waits, in 90% of the lease): a send through a relay that slow may be ended before its message and "
        "retried; raise outbox_lease_s to 289 or more"
    ]
    line = _refused(tmp_path / "other", {**relay, "FIRSTMATE_OUTBOX_LEASE_S": "119"})
    assert line.startswith(
        "error: settings do not fit together: outbox_lease_s (119) must be at least 6 × smtp_timeout_s (20): "
    )


def test_aws_adapters_without_credentials_say_to_set_them_up_not_to_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Following docs/deploy-aws.md (`firstmate jobs list` with the deployment's settings) on a machine
    without AWS credentials said "cannot reach DynamoDB: Unable to locate credentials (retry in a
    moment)"; retrying never helps. Nothing here reaches the network: signing fails first."""
    from typer.testing import CliRunner

    from firstmate.bootstrap import build
    from firstmate.cli import cli
    from firstmate.config import Settings
    from firstmate.demo.run import demo_profile
    from firstmate.errors import FirstmateError
    from firstmate.services.business import save_business

    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    home = {"FIRSTMATE_HOME": str(tmp_path / "home"), "FIRSTMATE_SECRET_KEY": "k" * 40}
    for settings, command, says in (
        ({"FIRSTMATE_STORE": "dynamodb"}, ["jobs", "list"], "cannot reach DynamoDB: Unable to locate credentials"),
        ({"FIRSTMATE_SECRETS": "aws"}, ["intel", "runs"], "cannot reach Secrets Manager: Unable to locate credentials"),
        ({"FIRSTMATE_BLOBS": "s3"}, ["intel", "replay", "2026-11-23-20261130T150000-6f9b07"], "cannot reach S3"),
    ):
        environment = {**home, **settings}
        if "FIRSTMATE_SECRETS" in settings:
            environment.pop("FIRSTMATE_SECRET_KEY")  # read from Secrets Manager, then
        if "FIRSTMATE_BLOBS" in settings:  # an org to look in
            app = build(Settings(home=tmp_path / "home"))
            save_business(app.store, demo_profile())
            app.close()
        result = CliRunner().invoke(cli, command, env=environment)
        assert isinstance(result.exception, FirstmateError), (command, result.exception, result.output)
        assert str(result.exception).startswith(says), str(result.exception)
        assert result.exception.hint == "set up AWS credentials: aws configure, or AWS_PROFILE (on AWS, the role)"
