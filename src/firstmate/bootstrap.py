"""The composition root: the only place that chooses adapters.

`build(settings)` returns an `App` holding every port a use case needs. Tests call it with their
own settings (a temporary FIRSTMATE_HOME) or pass a clock to move time.
"""

from __future__ import annotations

import os
import secrets as random_tokens
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog

from firstmate.adapters.analyst.clients import anthropic_messages, bedrock_converse, openai_compatible
from firstmate.adapters.analyst.llm import LlmAnalyst
from firstmate.adapters.analyst.rules import RulesAnalyst
from firstmate.adapters.blobs.local import LocalBlobs
from firstmate.adapters.blobs.s3 import S3Blobs
from firstmate.adapters.clock import SystemClock
from firstmate.adapters.mail.outbox import OutboxMailer
from firstmate.adapters.mail.ses import SesMailer
from firstmate.adapters.mail.smtp import SmtpConfig, SmtpMailer
from firstmate.adapters.processes import process_gone, this_process
from firstmate.adapters.secrets.aws import AwsSecrets
from firstmate.adapters.secrets.local import LocalSecrets
from firstmate.adapters.sources.ads_csv import CsvAdsSource
from firstmate.adapters.sources.hubspot import HubSpotSource
from firstmate.adapters.sources.meta_ads import MetaAdsSource
from firstmate.adapters.store.dynamodb import DynamoStore
from firstmate.adapters.store.sqlite import SqliteStore
from firstmate.config import Settings
from firstmate.domain.outbox import RetryPolicy
from firstmate.errors import ConfigError
from firstmate.ports import AdsSource, Analyst, Blobs, Clock, CrmSource, Mailer, Secrets, Store
from firstmate.services.access import SigningKeys

log = structlog.get_logger(__name__)

#: After the signing key could not be read, how long the last good keys serve before it is asked for again.
UNREADABLE_KEY_QUIET_S = 60.0


@dataclass
class App:
    """Everything the use cases need, wired for one configuration."""

    settings: Settings
    clock: Clock
    store: Store
    counters: Store
    blobs: Blobs
    mailer: Mailer
    signing_keys: Callable[[], SigningKeys]
    retry_policy: RetryPolicy
    secrets: Secrets

    @property
    def secret_key(self) -> SigningKeys:
        """The keys that sign and verify links, sessions and calendar URLs. On AWS they are read again
        with the other secrets (every `secrets_cache_s`), so a rotated key is used without a redeploy."""
        return self.signing_keys()

    def ads_source(self, *, sleep: Callable[[float], None] = time.sleep) -> AdsSource:
        """The ad platform, as configured (tokens are read from the secrets on every call); `sleep` is how it
        waits (a job with a time limit gives one that stops short of it)."""
        if self.settings.ads_source == "csv":
            return CsvAdsSource(self.settings.ads_csv_folder)
        token = _token(self.secrets, "meta_access_token", "a Meta ad account", "FIRSTMATE_ADS_SOURCE=csv")
        return MetaAdsSource(self.settings.meta_base_url, token, sleep=sleep)

    def analyst(self) -> Analyst:
        """The analyst chosen by `analyst` (rules unless configured otherwise)."""
        settings = self.settings
        if settings.analyst == "openai":
            if not settings.openai_base_url or not settings.openai_model:
                raise ConfigError("analyst 'openai' needs openai_base_url and openai_model")
            key = self.secrets.get("openai_api_key") if _has(self.secrets, "openai_api_key") else ""
            return LlmAnalyst("openai", openai_compatible(settings.openai_base_url, settings.openai_model, key))
        if settings.analyst == "anthropic":
            return LlmAnalyst(
                "anthropic", anthropic_messages(self.secrets.get("anthropic_api_key"), settings.anthropic_model)
            )
        if settings.analyst == "bedrock":
            return LlmAnalyst("bedrock", bedrock_converse(settings.bedrock_model_id, settings.aws_region))
        return RulesAnalyst()

    def crm_source(self, *, sleep: Callable[[float], None] = time.sleep) -> CrmSource | None:
        """The CRM, as configured (None for a business without one); `sleep` as for `ads_source`."""
        if self.settings.crm_source == "none":
            return None
        token = _token(self.secrets, "hubspot_token", "HubSpot", "FIRSTMATE_CRM_SOURCE=none")
        return HubSpotSource(self.settings.hubspot_base_url, token, sleep=sleep)

    def this_process(self) -> dict[str, Any] | None:
        """Who runs a job's try from this process, as its run record names it: on a SQLite home alone, one
        machine's, whose `jobs list` looks at that process (`process_gone`); None on DynamoDB (AWS), whose tries
        run where no process can be looked at, their lease alone telling one stopped."""
        return this_process() if self.settings.store == "sqlite" else None

    def process_gone(self) -> Callable[[Mapping[str, Any]], bool] | None:
        """How `jobs list` tells a try whose process is gone (killed, a closed terminal) at once, on a SQLite home
        (`this_process`); None on DynamoDB: the lease alone tells."""
        return process_gone if self.settings.store == "sqlite" else None

    def close(self) -> None:
        """Release connections held by adapters."""
        for store in [self.store] if self.counters is self.store else [self.store, self.counters]:
            close = getattr(store, "close", None)
            if callable(close):
                close()


def build(settings: Settings, *, clock: Clock | None = None) -> App:
    """Wire adapters for `settings`. Creates FIRSTMATE_HOME and its folders if needed."""
    clock = clock or SystemClock()
    _make_home(settings.home)
    secrets = _secrets(settings)
    signing_keys = _signing_keys(settings, secrets)
    store = _store(settings, clock)
    return App(
        settings=settings,
        clock=clock,
        store=store,
        counters=_counters(settings, clock, store),
        blobs=_blobs(settings, signing_keys),
        mailer=_mailer(settings, clock),
        signing_keys=signing_keys,
        secrets=secrets,
        retry_policy=RetryPolicy(
            max_attempts=settings.outbox_max_attempts,
            base_delay=timedelta(seconds=settings.outbox_base_delay_s),
            max_delay=timedelta(seconds=settings.outbox_max_delay_s),
            lease=timedelta(seconds=settings.outbox_lease_s),
        ),
    )


def _token(secrets: Secrets, name: str, service: str, instead: str) -> Callable[[], str]:
    """Reads secret `name` on every call; when it is missing, the error also says how a business without
    `service` runs the weekly report (`instead`: the setting, see docs/intel.md), as it told of the token alone."""

    def read() -> str:
        try:
            return secrets.get(name)
        except ConfigError as exc:
            if not _has_not(secrets, name):
                raise
            without = f"a business without {service} sets {instead} (or its key in firstmate.toml; see docs/intel.md)"
            raise ConfigError(exc.message, hint=f"{exc.hint}; {without}" if exc.hint else without) from None

    return read


def _has_not(secrets: Secrets, name: str) -> bool:
    """Whether secret `name` is set nowhere (not: its file unreadable), where the adapter can tell."""
    where = getattr(secrets, "where", None)
    try:
        return callable(where) and where(name) is None
    except ConfigError:
        return False


def _has(secrets: Secrets, name: str) -> bool:
    try:
        secrets.get(name)
    except ConfigError:
        return False
    return True


def _make_home(home: Path) -> None:
    try:
        home.mkdir(parents=True, exist_ok=True)
        # a probe of this process's own: a shared name let one process delete another's mid-check
        with tempfile.TemporaryFile(dir=home, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ConfigError(
            f"FIRSTMATE_HOME {home} is not a writable folder ({exc.strerror})",
            hint="set FIRSTMATE_HOME to a folder you can write",
        ) from None


def _counters(settings: Settings, clock: Clock, store: Store) -> Store:
    """Where rate limits count requests. Locally a database of its own, not synced to disk on every
    count: a guest's page view is counted, and a count written to the main database would move its
    change marker and so retire every kept crew page (and wait for the one writer and an fsync).
    DynamoDB has no change marker and many writers: the counts share its table."""
    if settings.store == "dynamodb":
        return store
    return SqliteStore(settings.counters_db_path, clock, durable=False)


def _store(settings: Settings, clock: Clock) -> Store:
    if settings.store == "dynamodb":
        return DynamoStore(settings.table_name, clock, region=settings.aws_region)
    return SqliteStore(settings.db_path, clock)


def _blobs(settings: Settings, signing_keys: Callable[[], SigningKeys]) -> Blobs:
    if settings.blobs == "s3":
        return S3Blobs(settings.bucket, settings.archive_bucket, region=settings.aws_region, base_url=settings.base_url)
    # the keys as they are now: a key rotated out of secrets.toml stops verifying upload forms at once
    return LocalBlobs(settings.blobs_path, keys=lambda: signing_keys().all, upload_url="/uploads")


def _secrets(settings: Settings) -> Secrets:
    if settings.secrets == "aws":
        return AwsSecrets(region=settings.aws_region, prefix=settings.secrets_prefix, cache_s=settings.secrets_cache_s)
    return LocalSecrets(settings.home / "secrets.toml")


def _mailer(settings: Settings, clock: Clock) -> Mailer:
    if settings.mailer == "ses":
        return SesMailer(
            clock,
            domain=settings.mail_domain,
            region=settings.aws_region,
            configuration_set=settings.ses_configuration_set or None,
        )
    if settings.mailer == "smtp":
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        config = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
            lease_s=settings.outbox_lease_s,
        )
        return SmtpMailer(config, clock, domain=settings.mail_domain)
    return OutboxMailer(settings.outbox_path, clock, domain=settings.mail_domain)


def _signing_keys(settings: Settings, secrets: Secrets) -> Callable[[], SigningKeys]:
    """The keys that sign links and sessions, from the first place that holds them: the `secret_key`
    setting; the secret `secret_key` (Secrets Manager, or locally FIRSTMATE_SECRET_SECRET_KEY or
    secrets.toml), read again as it rotates; locally, a key generated once into HOME/secret.key, which
    goes on verifying (not signing) when the secret is set later."""
    if settings.secret_key is not None:  # checked as the settings were read
        keys = SigningKeys.parse(settings.secret_key.get_secret_value())
        return lambda: keys
    if isinstance(secrets, LocalSecrets):
        where = secrets.where("secret_key")
        if where is None:
            return _home_key(settings.home / "secret.key")
        return _keeping_home_key(_RotatingKeys(secrets, where), settings.home / "secret.key")
    # every function reads the one secret from Secrets Manager: links signed by one verify in all
    return _RotatingKeys(secrets, f"{settings.secrets_prefix}secret_key in Secrets Manager")


def _home_key(path: Path) -> Callable[[], SigningKeys]:
    """The key generated once into `path` (HOME/secret.key), when no other is set."""
    try:
        keys = SigningKeys.parse(_local_secret_key(path))
    except OSError as exc:
        raise ConfigError(
            f"cannot read or create {path}: {exc.strerror}",
            hint="make FIRSTMATE_HOME readable and writable by this user, or set FIRSTMATE_SECRET_KEY",
        ) from None
    except ValueError:
        raise ConfigError(f"{path} holds no usable key", hint="delete it to have a new one generated") from None
    return lambda: keys


def _keeping_home_key(keys: Callable[[], SigningKeys], path: Path) -> Callable[[], SigningKeys]:
    """`keys`, and after them, verifying only, the keys in `path` (HOME/secret.key) if it exists: before
    the secret `secret_key` was read (it was ignored until then) that file signed every link given out."""
    earlier = _earlier_keys(path)
    if not earlier or set(earlier) <= set(keys().all):
        return keys  # none, or listed in the secret already: the secret alone decides
    log.warning(
        "secrets.home_key_kept",
        path=str(path),
        hint=f"{path} no longer signs, but the links, sessions and calendar feed URLs it signed open while it "
        "exists; delete it to void them (list its contents after your key in secret_key first to keep them)",
    )
    return lambda: _verifying_also(keys(), earlier)


def _earlier_keys(path: Path) -> tuple[bytes, ...]:
    """The keys in `path`; none if it does not exist or holds no usable key (logged: it only verifies)."""
    try:
        return SigningKeys.parse(path.read_text(encoding="utf-8")).all
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        log.warning("secrets.home_key_unusable", path=str(path), error=str(exc))
        return ()


def _verifying_also(keys: SigningKeys, earlier: tuple[bytes, ...]) -> SigningKeys:
    """`keys`, with the `earlier` keys they do not list verifying after them."""
    return SigningKeys(keys.current, (*keys.previous, *(key for key in earlier if key not in keys.all)))


def _parsed(text: str, where: str) -> SigningKeys:
    """The keys of secret `secret_key`; a ConfigError naming `where` it was read if they are unusable."""
    try:
        return SigningKeys.parse(text)
    except ValueError as exc:
        raise ConfigError(
            f"secret 'secret_key' is invalid: {exc}", hint=f"fix {where}; use at least 32 random characters per key"
        ) from None


class _RotatingKeys:
    """The signing keys as the secrets hold them now (Secrets Manager's adapter reads them again every
    `secrets_cache_s`, the local one when secrets.toml changes), so that a rotated key is used without
    a redeploy or a restart. `where` names the secret in errors. A value that is not a
    valid key, or a secret that cannot be read, keeps the last good keys (logged); an unreadable one
    is not asked for again for a minute (every signed-in request reads the keys)."""

    def __init__(self, secrets: Secrets, where: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._secrets = secrets
        self._monotonic = monotonic
        self._where = where
        self._text = secrets.get("secret_key")
        self._keys = _parsed(self._text, where)  # a bad key at start stops the function with one line
        self._quiet_until = 0.0

    def __call__(self) -> SigningKeys:
        if self._monotonic() < self._quiet_until:
            return self._keys
        try:
            text = self._secrets.get("secret_key")
        except ConfigError as exc:
            log.error("secrets.secret_key_unreadable", error=str(exc))
            self._quiet_until = self._monotonic() + UNREADABLE_KEY_QUIET_S
            return self._keys
        if text != self._text:
            self._text = text
            try:
                self._keys = _parsed(text, self._where)
            except ConfigError as exc:
                log.error("secrets.secret_key_refused", error=str(exc))
        return self._keys


def _local_secret_key(path: Path) -> str:
    if not path.exists():
        # write aside, then link into place: two processes starting at once agree on one key
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".secret.key.")  # mode 0600, a name of its own
        tmp = Path(name)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(random_tokens.token_urlsafe(48))
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)  # also after a failed write: no partial key is left behind
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} holds no usable key: it is not text", hint="delete it to have a new one generated"
        ) from None
