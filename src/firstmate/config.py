"""Settings: one object, from FIRSTMATE_* environment variables and an optional firstmate.toml.

Nothing here runs at import time: `load_settings()` reads the environment when called.
Precedence: explicit arguments > environment > firstmate.toml (or the file named by
FIRSTMATE_CONFIG) > defaults. The defaults give the embedded setup in ./var.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from croniter import croniter
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from firstmate.adapters.mail import ses
from firstmate.adapters.mail.smtp import DATA_WAITS, LEASE_SHARE, password_in_clear, session_waits
from firstmate.adapters.store import dynamodb
from firstmate.domain.mail import check_address
from firstmate.domain.shared import known_zone, problem_words
from firstmate.errors import ConfigError
from firstmate.services.access import SigningKeys

DOCS = "docs/configuration.md"
#: Every secret firstmate reads (through the Secrets port: the environment or secrets.toml locally,
#: Secrets Manager on AWS): the signing key, and the tokens of outside services.
SECRETS = ("secret_key", "meta_access_token", "hubspot_token", "anthropic_api_key", "openai_api_key")
#: The earliest a crew reminder may go out: 30 days before departure (every 5-minute run reads each
#: trip departing within the largest offset).
MAX_REMINDER_OFFSET_H = 720.0
WEEK_S = 7 * 24 * 3600
#: SMTP over TLS from the first byte (RFC 8314's submissions port): firstmate's relays speak STARTTLS on 587.
IMPLICIT_TLS_PORT = 465
#: The shortest outbox lease with mailer smtp, in smtp_timeout_s: the message's own waits (never cut short)
#: fit in LEASE_SHARE of it with time left for a quick relay's others. The rule before sessions were
#: timed (6 × was documented), kept so that settings valid then still start.
MIN_LEASE_TIMEOUTS = 6
#: The shortest outbox lease with mailer ses: the longest an SES send may take fits in LEASE_SHARE of it, as
#: an SMTP session's message does, the rest kept for claiming the entry and recording the outcome (23 s).
MIN_SES_LEASE_S = math.ceil(ses.SEND_LIMIT_S / LEASE_SHARE)
#: With store dynamodb, the claim and the record are network calls that may take dynamodb.CALL_LIMIT_S each,
#: and the lease runs from before the claim to after the record: the three fit in LEASE_SHARE of it (76 s).
MIN_SES_DYNAMODB_LEASE_S = math.ceil((ses.SEND_LIMIT_S + 2 * dynamodb.CALL_LIMIT_S) / LEASE_SHARE)


class Settings(BaseSettings):
    """Everything firstmate can be configured with. See docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="FIRSTMATE_", extra="forbid", frozen=True)

    home: Path = Field(default=Path("var"), description="Folder for all local state.")
    base_url: str = Field(default="http://127.0.0.1:8000", description="Public URL of the web app.")
    timezone: str = Field(default="America/Los_Angeles", description="Default business time zone.")

    store: Literal["sqlite", "dynamodb"] = "sqlite"
    blobs: Literal["local", "s3"] = "local"
    mailer: Literal["outbox", "smtp", "ses"] = "outbox"
    secrets: Literal["local", "aws"] = Field(default="local", description="Where tokens are read from.")

    table_name: str = Field(default="firstmate", description="The DynamoDB table (store = dynamodb).")
    bucket: str = Field(default="firstmate-data", description="S3 bucket for photos and reports (blobs = s3).")
    archive_bucket: str = Field(
        default="firstmate-archive", description="S3 bucket for raw API archives (90-day lifecycle)."
    )
    ses_configuration_set: str = Field(default="firstmate", description="SES configuration set for events.")
    secrets_prefix: str = Field(default="firstmate/", description="Secrets Manager names start with this.")
    secrets_cache_s: float = Field(default=300.0, ge=0, le=86400, description="How long a read secret is reused.")

    mail_from: str = "firstmate@example.com"
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_s: float = Field(default=20.0, gt=0, le=120)

    secret_key: SecretStr | None = Field(
        default=None, description="Signs links and sessions; unset: the secret secret_key, else HOME/secret.key."
    )

    # upper bounds keep each wait a time the clock can reach: inf or 1e300 stopped every command
    outbox_max_attempts: int = Field(default=8, ge=1, le=50)
    outbox_base_delay_s: float = Field(default=30.0, gt=0, le=WEEK_S)
    outbox_max_delay_s: float = Field(default=3600.0, gt=0, le=WEEK_S)
    outbox_lease_s: float = Field(default=300.0, gt=0, le=3600)  # a stopped sender's message waits this long
    dispatch_interval_s: float = Field(default=2.0, gt=0, le=60)  # a sign-in mail may wait this long
    scheduler_interval_s: float = Field(default=30.0, gt=0, le=300)  # the most frequent job's period

    ads_source: Literal["meta", "csv"] = Field(default="meta", description="Where weekly ad figures come from.")
    crm_source: Literal["hubspot", "none"] = Field(default="hubspot", description="Where CRM leads come from.")
    ads_csv_folder: Path = Field(default=Path("ads"), description="With ads_source csv: <folder>/<account>.csv.")
    meta_base_url: str = Field(default="https://graph.facebook.com", description="Meta Graph API (tests, proxies).")
    hubspot_base_url: str = Field(default="https://api.hubapi.com", description="HubSpot API (tests, proxies).")
    analyst: Literal["rules", "anthropic", "bedrock", "openai"] = "rules"
    openai_base_url: str | None = None
    openai_model: str | None = None
    anthropic_model: str = "claude-sonnet-4-5"
    bedrock_model_id: str = "anthropic.claude-sonnet-4-5-v1:0"
    aws_region: str = "us-east-1"
    weekly_report_cron: str = Field(default="0 7 * * MON", description="When the weekly report goes out, local time.")
    reminder_offsets_h: list[float] = Field(
        default=[24.0, 2.0], description="Hours before departure at which crew get a reminder."
    )
    album_opens_before_h: float = Field(default=1.0, ge=0, le=72)
    album_closes_after_days: float = Field(default=7.0, ge=0, le=365)
    photo_max_mb: float = Field(default=15.0, gt=0, le=100)
    album_max_photos: int = Field(
        default=500, ge=1, le=5000, description="Photos one trip's album holds; uploads past it are refused."
    )
    crew_page_cache: int = Field(
        default=512, ge=0, le=100_000, description="Rendered crew pages each web process keeps (0: none)."
    )

    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    @field_validator("home", mode="before")
    @classmethod
    def _named(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():  # an empty FIRSTMATE_HOME would mean the working folder
            raise ValueError("is empty: name the folder for firstmate's state, e.g. var")
        return value

    @field_validator("home", "ads_csv_folder")
    @classmethod
    def _users_home(cls, value: Path) -> Path:
        # as a shell would: "~/firstmate" in firstmate.toml made a folder named "~" in the working folder
        try:
            return value.expanduser()
        except RuntimeError:  # "~someone" who is no user here, or no HOME to go by
            raise ValueError(f"cannot find the home folder of {value.parts[0]}; write the folder's full path") from None

    @field_validator("weekly_report_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a five-field cron expression like '0 7 * * MON'")
        return value

    @field_validator("reminder_offsets_h")
    @classmethod
    def _before_departure(cls, value: list[float]) -> list[float]:
        for hours in value:
            if not 0 < hours <= MAX_REMINDER_OFFSET_H:  # NaN fails every comparison, so it is refused here too
                raise ValueError(
                    f"each offset must be more than 0 and at most {MAX_REMINDER_OFFSET_H:g} hours (30 days) "
                    f"before departure, not {hours:g}"
                )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @field_validator("secret_key")
    @classmethod
    def _usable_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:  # refused here, the error names the setting and where it was set
            SigningKeys.parse(value.get_secret_value())
        return value

    @field_validator("mail_from")
    @classmethod
    def _an_address(cls, value: str) -> str:
        # every message is sent from it: a bad one would fail each use case that queues mail, not the start
        return check_address(value)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Settings:
        # only what cannot work is refused: a session too slow for its lease is ended before its message
        # is sent, and retried (adapters/mail/smtp.py), never sent twice; `slow_relay_warning` says more
        if self.mailer == "ses" and self.store == "dynamodb" and self.outbox_lease_s < MIN_SES_DYNAMODB_LEASE_S:
            raise ValueError(  # the claim and the record count too: the lease runs across both
                f"outbox_lease_s ({self.outbox_lease_s:g}) must be at least {MIN_SES_DYNAMODB_LEASE_S} with mailer ses "
                f"and store dynamodb: claiming a message may take {dynamodb.CALL_LIMIT_S:g} s, sending it "
                f"{ses.SEND_LIMIT_S:g} s and recording it {dynamodb.CALL_LIMIT_S:g} s more, within {LEASE_SHARE:.0%} "
                "of the lease; raise outbox_lease_s"
            )
        if self.mailer == "ses" and self.outbox_lease_s < MIN_SES_LEASE_S:
            raise ValueError(  # an SES send is not cut short: one outliving its lease is taken up and sent again
                f"outbox_lease_s ({self.outbox_lease_s:g}) must be at least {MIN_SES_LEASE_S} with mailer ses: an SES "
                f"send may take up to {ses.SEND_LIMIT_S:g} s ({ses.CONNECT_TIMEOUT_S:g} to connect, "
                f"{ses.READ_TIMEOUT_S:g} to answer, {ses.RATE_WINDOW_S + ses.RATE_WAIT_S:g} more asking again over "
                f"the sending rate), within {LEASE_SHARE:.0%} of the lease; raise outbox_lease_s"
            )
        if self.mailer != "smtp":
            return self  # no SMTP session to fit
        if self.smtp_port == IMPLICIT_TLS_PORT:  # each send waited for a greeting that never came, then went dead
            raise ValueError(
                f"smtp_port {IMPLICIT_TLS_PORT} speaks TLS from its first byte, which firstmate does not: use port 587 "
                "with smtp_starttls = true (every relay that offers 465 offers 587)"
            )
        if self.outbox_lease_s < MIN_LEASE_TIMEOUTS * self.smtp_timeout_s:
            raise ValueError(
                f"outbox_lease_s ({self.outbox_lease_s:g}) must be at least {MIN_LEASE_TIMEOUTS} × smtp_timeout_s "
                f"({self.smtp_timeout_s:g}): the message alone may wait up to smtp_timeout_s {DATA_WAITS} times, "
                f"within {LEASE_SHARE:.0%} of the lease; raise outbox_lease_s or lower smtp_timeout_s"
            )
        return self

    def slow_relay_warning(self) -> str | None:
        """A line for the processes that send (`serve`, `worker`) when an SMTP session answered at
        smtp_timeout_s on every wait would not fit in the outbox lease; None when it would (or no SMTP)."""
        if self.mailer != "smtp":
            return None
        waits = session_waits(starttls=self.smtp_starttls, login=bool(self.smtp_username))
        if self.outbox_lease_s * LEASE_SHARE >= waits * self.smtp_timeout_s:
            return None
        needed = math.ceil(waits * self.smtp_timeout_s / LEASE_SHARE)  # rounded up: a lease that fits
        return (
            f"outbox_lease_s ({self.outbox_lease_s:g}) is shorter than a full SMTP session at smtp_timeout_s "
            f"({self.smtp_timeout_s:g}) per wait ({waits} waits, in {LEASE_SHARE:.0%} of the lease): a send through "
            f"a relay that slow may be ended before its message and retried; raise outbox_lease_s to {needed} or more"
        )

    @model_validator(mode="after")
    def _no_password_in_clear(self) -> Settings:
        # the SMTP mailer refuses to send it, so every message would go dead after one attempt
        if self.mailer == "smtp" and password_in_clear(self.smtp_host, self.smtp_username, self.smtp_starttls):
            raise ValueError(
                f"smtp_starttls is off, so smtp_username's password would go unencrypted to smtp_host "
                f"({self.smtp_host}): turn smtp_starttls on, or use a relay on this machine (localhost)"
            )
        return self

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self.home / "firstmate.db"

    @property
    def counters_db_path(self) -> Path:
        """The SQLite database of rate-limit counters (kept apart from `db_path`: see bootstrap)."""
        return self.home / "counters.db"

    @property
    def blobs_path(self) -> Path:
        """The local blob folder."""
        return self.home / "blobs"

    @property
    def outbox_path(self) -> Path:
        """Where the outbox mailer writes .eml files."""
        return self.home / "outbox"

    @property
    def token_secrets(self) -> list[str]:
        """The secrets these settings read for outside services (the secret key aside)."""
        wanted = {
            "meta_access_token": self.ads_source == "meta",
            "hubspot_token": self.crm_source == "hubspot",
            "anthropic_api_key": self.analyst == "anthropic",
            "openai_api_key": self.analyst == "openai",
        }
        return [name for name, needed in wanted.items() if needed]

    @property
    def mail_domain(self) -> str:
        """The domain used in Message-IDs: the sender's."""
        return self.mail_from.rpartition("@")[2]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=_config_file()))


def _config_file() -> Path:
    return Path(os.environ.get("FIRSTMATE_CONFIG", "firstmate.toml"))


def load_settings(**overrides: Any) -> Settings:
    """Read settings now; raise ConfigError naming the bad setting and how to fix it."""
    config = os.environ.get("FIRSTMATE_CONFIG")
    if config and not Path(config).is_file():
        raise ConfigError(f"FIRSTMATE_CONFIG names {config}, which is not a file")
    try:
        return Settings(**overrides)
    except tomllib.TOMLDecodeError as exc:
        hint = "fix the file; toml.io describes the format"
        raise ConfigError(f"{_config_file()} is not valid TOML: {exc}", hint=hint) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{_config_file()} is not UTF-8 text", hint="save it as UTF-8") from None
    except SettingsError as exc:  # a value the environment source cannot even parse (a list that is not JSON)
        named = re.search(r'field "(\w+)"', str(exc))
        field = named.group(1) if named else "settings"
        raise ConfigError(
            f"setting {field!r} cannot be read from FIRSTMATE_{field.upper()}",
            hint=f"list settings are JSON there, e.g. FIRSTMATE_{field.upper()}='[24, 2]'",
        ) from None
    except ValidationError as exc:
        raise _refusal(exc, overrides) from None


def _refusal(exc: ValidationError, given: Mapping[str, Any]) -> ConfigError:
    """The one line for the first value the settings refused, saying where to fix it."""
    first = exc.errors()[0]
    name, problem = _setting_and_problem(first["loc"], problem_words(first, shown=False))  # values are never shown
    if not name:  # settings that do not fit together: the message names them
        hint = f"fix them in {_config_file()} or their FIRSTMATE_ variables"
        return ConfigError(f"settings do not fit together: {problem}", hint=hint)
    # only the settings file has keys of its own: the environment's are left alone
    if first["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, list(Settings.model_fields), n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}?" if close else f"the settings are listed in {DOCS}"
        return ConfigError(f"{name!r} in {_config_file()} is not a setting", hint=hint)
    return ConfigError(f"setting {name!r} is invalid: {problem}", hint=f"fix {_source(name, given)}")


def _source(name: str, given: Mapping[str, Any]) -> str:
    """Where setting `name`'s value was read, by the precedence: given, the environment, the settings file."""
    variable = f"FIRSTMATE_{name.upper()}"
    if name in given:  # the CLI gives only what its options say
        return "the value given on the command line"
    if any(key.upper() == variable for key in os.environ):  # settings are read from variables in any case
        return variable
    return f"'{name}' in {_config_file()}"


def _setting_and_problem(loc: tuple[int | str, ...], problem: str) -> tuple[str, str]:
    """The setting a validation error is about ("" when it is about several), and the problem (in words:
    `problem_words`), saying which item of a list setting it is in: there is no FIRSTMATE_REMINDER_OFFSETS_H.0."""
    items = [f"item {part + 1}" for part in loc[1:] if isinstance(part, int)]
    return (str(loc[0]) if loc else ""), (f"{', '.join(items)}: {problem}" if items else problem)


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each FIRSTMATE_ environment variable firstmate does not read (a misspelt
    setting or secret does nothing), naming the one it is closest to. Settings are read in any
    case; local secrets (`FIRSTMATE_SECRET_<NAME>`) only in capitals, as LocalSecrets reads them."""
    settings = {f"FIRSTMATE_{name.upper()}" for name in Settings.model_fields} | {"FIRSTMATE_CONFIG"}
    secrets = {f"FIRSTMATE_SECRET_{name.upper()}" for name in SECRETS}
    warnings = []
    for variable in sorted(os.environ if environ is None else environ):
        name = variable.upper()
        if not name.startswith("FIRSTMATE_") or name in settings or variable in secrets:
            continue
        secret = name.startswith("FIRSTMATE_SECRET_")
        known, what = (secrets, "a secret firstmate reads") if secret else (settings, "a firstmate setting")
        # the names without their shared prefix, which would make any two look alike
        prefix = len("FIRSTMATE_SECRET_" if secret else "FIRSTMATE_")
        close = difflib.get_close_matches(name[prefix:], [k[prefix:] for k in known], n=1, cutoff=0.75)
        guess = f"did you mean {name[:prefix]}{close[0]}?" if close else f"they are listed in {DOCS}"
        warnings.append(f"{variable} is not {what} and is ignored; {guess}")
    return warnings
