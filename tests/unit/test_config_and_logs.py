"""Settings come from env and firstmate.toml with clear errors; logs never carry secrets."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog

from firstmate.config import SECRETS, load_settings, unknown_variables
from firstmate.errors import ConfigError
from firstmate.logs import configure_logging


def test_env_beats_toml_beats_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "firstmate.toml").write_text('timezone = "Europe/Lisbon"\nmail_from = "ops@example.com"\n')
    assert load_settings().timezone == "Europe/Lisbon"
    monkeypatch.setenv("FIRSTMATE_TIMEZONE", "America/New_York")
    settings = load_settings()
    assert settings.timezone == "America/New_York" and settings.mail_from == "ops@example.com"
    assert settings.home == Path("var") and settings.db_path == Path("var/firstmate.db")


def test_a_bad_setting_names_itself_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRSTMATE_SMTP_PORT", "99999")
    with pytest.raises(ConfigError, match="smtp_port") as failure:
        load_settings()
    assert "FIRSTMATE_SMTP_PORT" in str(failure.value)


def test_settings_that_do_not_fit_together_are_named_not_a_setting_called_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """It said "setting 'settings' is invalid (fix FIRSTMATE_SETTINGS …)": no such setting."""
    monkeypatch.setenv("FIRSTMATE_MAILER", "smtp")
    monkeypatch.setenv("FIRSTMATE_SMTP_TIMEOUT_S", "60")
    with pytest.raises(ConfigError, match=r"settings do not fit together: outbox_lease_s \(300\)") as failure:
        load_settings()
    assert "FIRSTMATE_SETTINGS" not in str(failure.value) and "smtp_timeout_s (60)" in str(failure.value)


def test_a_lease_shorter_than_a_slow_relays_session_is_warned_of_and_one_under_six_timeouts_refused() -> None:
    """A session waits up to smtp_timeout_s 8 times, 11 with STARTTLS, 13 with a login too, and ends
    before its message within 90% of the lease. Requiring all of that refused settings valid the day
    before (a lease of 120 s with 20 s, the documented 6 ×) for every command; now only the processes
    that send warn of it, and only a lease under 6 × the timeout is refused."""
    old = {"mailer": "smtp", "smtp_username": "relay-user", "smtp_timeout_s": 20, "outbox_lease_s": 120}
    assert load_settings(**old).slow_relay_warning() == (
        "outbox_lease_s (120) is shorter than a full SMTP session at smtp_timeout_s (20) per wait (13 waits, in 90% "
        "of the lease): a send through a relay that slow may be ended before its message and retried; raise "
        "outbox_lease_s to 289 or more"
    )
    assert load_settings(mailer="smtp", smtp_timeout_s=20, smtp_username="relay-user").slow_relay_warning() is None
    plain = {**old, "smtp_username": None, "smtp_starttls": False}
    assert "(8 waits," in str(load_settings(**plain).slow_relay_warning())  # no login, no STARTTLS
    with pytest.raises(ConfigError, match=r"outbox_lease_s \(119\) must be at least 6 × smtp_timeout_s \(20\)"):
        load_settings(**{**old, "outbox_lease_s": 119})
    assert load_settings(mailer="ses", outbox_lease_s=23).slow_relay_warning() is None  # no SMTP session to fit


def test_a_lease_shorter_than_an_ses_send_is_refused() -> None:
    """With mailer ses any lease was taken, 5 s too, though a send may take 20 s: another dispatcher
    (the stream's, the retry job) took the message up once its lease had run out mid-send, and sent
    it again, a second copy with no crash."""
    with pytest.raises(ConfigError) as refused:
        load_settings(mailer="ses", outbox_lease_s=5)
    assert refused.value.message == (
        "settings do not fit together: outbox_lease_s (5) must be at least 23 with mailer ses: an SES send may "
        "take up to 20 s (5 to connect, 10 to answer, 5 more asking again over the sending rate), within 90% of "
        "the lease; raise outbox_lease_s"
    )
    assert refused.value.hint == "fix them in firstmate.toml or their FIRSTMATE_ variables"
    assert load_settings(mailer="ses", outbox_lease_s=23).outbox_lease_s == 23
    assert load_settings(mailer="ses").outbox_lease_s == 300  # the default, which the AWS stack runs on
    # a review: on DynamoDB the claim and the record may take 24 s each, inside the lease as the send is
    with pytest.raises(ConfigError) as on_aws:
        load_settings(mailer="ses", store="dynamodb", outbox_lease_s=23)
    assert on_aws.value.message == (
        "settings do not fit together: outbox_lease_s (23) must be at least 76 with mailer ses and store dynamodb: "
        "claiming a message may take 24 s, sending it 20 s and recording it 24 s more, within 90% of the lease; "
        "raise outbox_lease_s"
    )
    assert load_settings(mailer="ses", store="dynamodb", outbox_lease_s=76).outbox_lease_s == 76
    assert load_settings(mailer="ses", store="dynamodb").outbox_lease_s == 300
    assert load_settings(mailer="outbox", outbox_lease_s=5).outbox_lease_s == 5  # nothing to wait for


def test_a_firstmate_variable_that_is_not_a_setting_is_named_with_the_setting_it_looks_like() -> None:
    environ = {
        "FIRSTMATE_SMTP_HSOT": "relay.example.com", "firstmate_timezon": "UTC", "FIRSTMATE_WIDGETS": "3",
        "FIRSTMATE_HOME": "var", "firstmate_timezone": "UTC", "FIRSTMATE_CONFIG": "f.toml",
        "FIRSTMATE_SECRET_META_ACCESS_TOKEN": "t", "HOME": "elsewhere", "FIRSTMATE_SECRET_KEY": "k",
        "FIRSTMATE_SECRET_HUBSPOT_TOKN": "t", "firstmate_secret_openai_api_key": "k", "FIRSTMATE_SECRET_": "",
    }  # fmt: skip
    assert unknown_variables(environ) == [
        "FIRSTMATE_SECRET_ is not a secret firstmate reads and is ignored; they are listed in docs/configuration.md",
        "FIRSTMATE_SECRET_HUBSPOT_TOKN is not a secret firstmate reads and is ignored; "
        "did you mean FIRSTMATE_SECRET_HUBSPOT_TOKEN?",
        "FIRSTMATE_SMTP_HSOT is not a firstmate setting and is ignored; did you mean FIRSTMATE_SMTP_HOST?",
        "FIRSTMATE_WIDGETS is not a firstmate setting and is ignored; they are listed in docs/configuration.md",
        # secrets are read in capitals only (settings in any case)
        "firstmate_secret_openai_api_key is not a secret firstmate reads and is ignored; "
        "did you mean FIRSTMATE_SECRET_OPENAI_API_KEY?",
        "firstmate_timezon is not a firstmate setting and is ignored; did you mean FIRSTMATE_TIMEZONE?",
    ]
    for analyst in ("openai", "anthropic"):  # every secret the settings may ask for is one it knows
        assert set(load_settings(analyst=analyst).token_secrets) <= set(SECRETS)


def test_an_unknown_toml_key_and_a_missing_config_file_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "firstmate.toml").write_text('tiemzone = "UTC"\n')
    with pytest.raises(ConfigError, match=r"'tiemzone' in firstmate\.toml is not a setting") as typo:
        load_settings()
    assert typo.value.hint == "did you mean 'timezone'?"  # it said "fix FIRSTMATE_TIEMZONE", a variable of nothing
    (tmp_path / "firstmate.toml").write_text('[org]\nname = "Harbor Co"\n')  # the business profile is not a setting
    with pytest.raises(ConfigError, match=r"'org' in firstmate\.toml is not a setting") as profile:
        load_settings()
    assert profile.value.hint == "the settings are listed in docs/configuration.md"
    monkeypatch.setenv("FIRSTMATE_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="not a file"):
        load_settings()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'timezone = "UTC\n', "firstmate.toml is not valid TOML: .*line 1"),
        (b"timezone = [\n", "firstmate.toml is not valid TOML"),
        (b"\xff\xfetimezone = 'UTC'\n", "firstmate.toml is not UTF-8 text"),
    ],
)
def test_a_config_file_that_is_not_toml_says_so_in_one_line(tmp_path: Path, content: bytes, says: str) -> None:
    (tmp_path / "firstmate.toml").write_bytes(content)
    with pytest.raises(ConfigError, match=says) as failure:
        load_settings()
    assert "\n" not in str(failure.value) and failure.value.hint


def test_logs_are_json_lines_without_tokens_or_secrets() -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjcmV3In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    structlog.get_logger("t").info(
        "crew.login",
        url=f"https://x.example.com/crew/enter?t={token}",
        password="hunter2",
        email="a@example.com",
    )
    logging.getLogger("uvicorn.access").info('GET /admin/enter?t=%s HTTP/1.1" 303', token)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 2
    text = stream.getvalue()
    assert token not in text and "hunter2" not in text
    assert lines[0]["event"] == "crew.login" and lines[0]["email"] == "a@example.com"
    assert lines[0]["password"] == "[redacted]"


def test_a_source_token_in_a_logged_error_is_masked() -> None:
    """Meta and HubSpot tokens carry no marker but their shape: one echoed in an error is masked."""
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    meta, hubspot = "EAAGm0PS4ZCpsBA" + "x7" * 20, "pat-na1-" + "0b3d5c00-0000-4000-8000-000000000001"
    structlog.get_logger("t").error("intel.failed", error=f"Malformed access token {meta}; HubSpot: {hubspot}")
    text = stream.getvalue()
    assert meta not in text and hubspot not in text and "[redacted-meta-token]" in text


def test_uvicorns_own_logging_config_is_replaced_so_its_lines_are_redacted_and_levelled() -> None:
    """Started by uvicorn's CLI (`uvicorn --factory ...`), uvicorn configures its loggers with its own
    handlers before the app configures firstmate's: those handlers would write query strings as is."""
    import logging.config

    from uvicorn.config import LOGGING_CONFIG

    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjcmV3In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    logging.config.dictConfig(LOGGING_CONFIG)
    for level, expected in (("info", 1), ("warning", 0)):
        stream = io.StringIO()
        configure_logging("json", level, stream=stream)
        logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET /crew/enter?t=%s HTTP/1.1" 303', token)
        lines = stream.getvalue().splitlines()
        assert len(lines) == expected, (level, lines)  # once, through firstmate's handler, at its level
        assert all(json.loads(line)["logger"] == "uvicorn.access" for line in lines)
        assert token not in stream.getvalue()


def test_tokens_inside_exceptions_are_masked_in_both_formats() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    for fmt in ("json", "console"):
        stream = io.StringIO()
        configure_logging(fmt, "info", stream=stream)  # type: ignore[arg-type]
        try:
            raise ValueError(f"bad link https://x.example.com/admin/enter?t={token}")
        except ValueError:
            structlog.get_logger("t").exception("link.failed", link=object())
        text = stream.getvalue()
        assert "ValueError" in text and "link.failed" in text
        assert token not in text, fmt


@pytest.mark.parametrize("name", ["access_token", "input_token", "api_key", "hapikey", "client_secret", "token"])
def test_a_credential_in_any_query_parameter_is_masked_in_logged_urls(name: str) -> None:
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    logging.getLogger("httpx").info('HTTP Request: GET https://graph.example.com/v1?limit=5&%s=EAAB0s3cr3t "200"', name)
    assert "EAAB0s3cr3t" not in stream.getvalue() and "limit=5" in stream.getvalue()


def test_a_list_setting_that_is_not_json_and_a_cron_that_is_not_one_are_named_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FIRSTMATE_REMINDER_OFFSETS_H", "abc")
    with pytest.raises(ConfigError, match="'reminder_offsets_h' cannot be read from FIRSTMATE_REMINDER_OFFSETS_H"):
        load_settings()
    monkeypatch.setenv("FIRSTMATE_REMINDER_OFFSETS_H", "[24, 2]")
    monkeypatch.setenv("FIRSTMATE_WEEKLY_REPORT_CRON", "every monday")
    with pytest.raises(ConfigError, match="not a five-field cron expression"):
        load_settings()


def test_an_empty_home_is_refused_rather_than_taken_as_the_working_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRSTMATE_HOME", "")
    with pytest.raises(ConfigError, match="'home' is invalid: is empty"):
        load_settings()


@pytest.mark.parametrize("sender", ["nobody", "Saltwind Crew <crew@example.com>", "ops@example"])
def test_a_sender_that_is_not_a_plain_address_is_refused(monkeypatch: pytest.MonkeyPatch, sender: str) -> None:
    """Every message is sent from it, and a message refuses a sender that is not `name@domain.tld`."""
    monkeypatch.setenv("FIRSTMATE_MAIL_FROM", sender)
    with pytest.raises(ConfigError, match=r"'mail_from' is invalid: .* is not an email address") as failure:
        load_settings()
    assert "FIRSTMATE_MAIL_FROM" in str(failure.value)


def test_an_smtp_login_is_refused_only_where_its_password_would_cross_a_network_unencrypted() -> None:
    login = {"mailer": "smtp", "smtp_username": "firstmate", "smtp_starttls": False}
    with pytest.raises(ConfigError, match="settings do not fit together: smtp_starttls is off") as failure:
        load_settings(**login, smtp_host="smtp.example.com")
    assert "smtp_host (smtp.example.com)" in str(failure.value)
    for fine in (
        {**login, "smtp_host": "localhost"},  # never leaves this machine
        {**login, "smtp_host": "smtp.example.com", "smtp_starttls": True},
        {**login, "smtp_host": "smtp.example.com", "smtp_username": None},  # no password to send
        {**login, "smtp_host": "smtp.example.com", "mailer": "outbox"},  # the relay is not used
    ):
        assert load_settings(**fine).smtp_host == fine["smtp_host"]


def test_smtp_port_465_is_refused_saying_to_use_587() -> None:
    """A review: port 465 speaks TLS from its first byte, which the mailer does not: each send waited for a
    greeting until it timed out, said "cannot reach", and went dead after 8 tries, sign-in links with them."""
    with pytest.raises(ConfigError, match="smtp_port 465 speaks TLS from its first byte") as failure:
        load_settings(mailer="smtp", smtp_host="smtp.example.com", smtp_port=465)
    assert "use port 587 with smtp_starttls = true" in str(failure.value)
    assert load_settings(smtp_port=465).smtp_port == 465  # the relay is not used: nothing to refuse


def test_reminder_offsets_are_hours_before_departure_up_to_thirty_days(monkeypatch: pytest.MonkeyPatch) -> None:
    for fine in ("[]", "[720, 0.5]"):
        monkeypatch.setenv("FIRSTMATE_REMINDER_OFFSETS_H", fine)
        load_settings()
    for wrong in ("[0]", "[720.5]", "[Infinity]"):
        monkeypatch.setenv("FIRSTMATE_REMINDER_OFFSETS_H", wrong)
        with pytest.raises(ConfigError, match="'reminder_offsets_h' is invalid: each offset must be more than 0"):
            load_settings()


def test_a_password_in_a_logged_url_is_masked_and_the_host_kept() -> None:
    """A base URL with a login (a proxy before a local model: `openai_base_url = "https://firstmate:…@llm…"`)
    was logged whole by httpx on every request, password and all, by `serve` and `worker` at info."""
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    url = "https://firstmate:hunter2@llm.example.com/v1/chat/completions"
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    structlog.get_logger("t").error("intel.failed", error="cannot reach http://ops:p%40ss-w0rd@crm.example.com/x")
    text = stream.getvalue()
    assert "hunter2" not in text and "p%40ss-w0rd" not in text, text
    assert "https://firstmate:[redacted]@llm.example.com/v1/chat/completions" in text
    assert "http://ops:[redacted]@crm.example.com/x" in text


def test_a_home_or_ads_folder_under_the_users_home_folder_is_found_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`home = "~/firstmate"` in firstmate.toml made a folder named '~' in the working folder, and
    `init` said the database was at ~/firstmate/firstmate.db, where nobody found it."""
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    (tmp_path / "firstmate.toml").write_text('home = "~/firstmate"\nads_csv_folder = "~/ads"\n')
    settings = load_settings()
    assert settings.home == tmp_path / "me" / "firstmate" and settings.ads_csv_folder == tmp_path / "me" / "ads"
    assert load_settings(home=Path("~/elsewhere")).home == tmp_path / "me" / "elsewhere"  # --home "~/elsewhere"
    monkeypatch.setenv("FIRSTMATE_HOME", "~nosuchuser-firstmate/x")
    with pytest.raises(ConfigError, match="'home' is invalid: cannot find the home folder of ~nosuchuser-firstmate"):
        load_settings()


def test_a_secrets_file_that_is_not_toml_says_what_to_do(tmp_path: Path) -> None:
    """`hubspot_token = pat-na1-…` (unquoted) stopped every command with "secrets.toml is not valid TOML:
    Invalid value (at line 1, column 17)" and nothing of what to do, unlike firstmate.toml's error."""
    from firstmate.adapters.secrets.local import LocalSecrets

    path = tmp_path / "secrets.toml"
    path.write_text("hubspot_token = pat-na1-0b3d5c00\n", encoding="utf-8")
    with pytest.raises(ConfigError) as failure:
        LocalSecrets(path).get("hubspot_token")
    assert str(failure.value).startswith(f"{path} is not valid TOML: Invalid value (at line 1, column 17)")
    assert failure.value.hint == 'fix the file: each secret on a line of its own, its value quoted (name = "…")'
    assert "0b3d5c00" not in str(failure.value)


def test_font_subsetting_chatter_stays_out_of_the_logs_and_its_warnings_do_not() -> None:
    """fontTools logs a dozen info lines per PDF ('glyf pruned', 'cmap subsetted'): 266 of the 313 lines
    of `firstmate --verbose demo`, and about 260 per Monday's role reports in `serve` and `worker` logs."""
    from firstmate.pdf import document_bytes, new_document, text_cell

    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    pdf = new_document("Logs", created=datetime(2026, 11, 21, tzinfo=UTC), margin=15)
    pdf.set_font("DejaVu", "", 10)
    text_cell(pdf, 0, 5, "Ærøskøbing · Καλημέρα", next_line=True)
    document_bytes(pdf)
    logging.getLogger("fontTools.subset").info("glyf pruned")
    logging.getLogger("fontTools.subset").warning("a font that cannot be cut")
    logging.getLogger("firstmate.pdf").info("pdf.written")
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert events == ["a font that cannot be cut", "pdf.written"], events


def test_a_url_password_without_a_user_name_or_holding_an_at_sign_is_masked_whole() -> None:
    """Found by a review: a login of a password alone (`https://:sk-…@llm…`, an API key as the password, as
    httpx sends it: Basic auth with no user name) was logged whole by httpx on every request, and a password
    holding a bare "@" had its end after that "@" logged."""
    stream = io.StringIO()
    configure_logging("json", "info", stream=stream)
    logging.getLogger("httpx").info("HTTP Request: POST %s", "https://:sk-live-4f9a2c@llm.example.com/v1/chat")
    structlog.get_logger("t").error("intel.failed", error="cannot reach https://ops:open@sesame@crm.example.com/x")
    text = stream.getvalue()
    assert "sk-live-4f9a2c" not in text and "sesame" not in text, text
    assert "https://:[redacted]@llm.example.com/v1/chat" in text
    assert "https://ops:[redacted]@crm.example.com/x" in text
