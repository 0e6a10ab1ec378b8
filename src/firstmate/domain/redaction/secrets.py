"""Configuration as report builders may show it: a secret keeps its name and whether it is set, never
its value."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: Words in a setting's name that mark its value as secret (JWT_SECRET, STRIPE_API_KEY, DB_PASSWORD…).
SECRET_NAME_WORDS = frozenset(
    {"secret", "key", "token", "password", "passwd", "pwd", "pass", "credential", "credentials",
     "private", "auth", "apikey", "signature", "dsn", "cookie", "session", "salt", "jwt", "cert"}
)  # fmt: skip
#: The last word of a setting's name that says its value is an identifier, which anyone may read: a model
#: id is long and random-looking, and no secret (`secret_setting`).
IDENTIFIER_WORDS = frozenset({"id", "model"})
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_SECRET_ENDINGS = ("apikey", "secretkey", "accesskey", "privatekey", "token", "secret", "password", "passwd")
_JWT = re.compile(r"^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$")
_KNOWN_PREFIXES = re.compile(r"^(AKIA|ASIA|sk-|sk_live_|rk_live_|ghp_|gho_|xox[abpr]-|pat-|EAA|AIza)")
_URL_CREDENTIALS = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)


class ConfigEntry(BaseModel):
    """A configuration setting as reports may show it: a secret keeps only its name and whether it
    is set; anything else keeps its value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    is_set: bool
    secret: bool
    value: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _no_secret_value(self) -> ConfigEntry:
        if self.secret and self.value is not None:
            raise ValueError(f"{self.name} is secret: its value must not be kept")
        return self

    @property
    def state(self) -> str:
        """ "set" or "missing"."""
        return "set" if self.is_set else "missing"


def secret_name(name: str) -> bool:
    """Whether a setting's name says its value is secret (JWT_SECRET, *_KEY, *_TOKEN, passwords…)."""
    words = [w.lower() for w in _NAME_WORDS.findall(name)]
    return any(w in SECRET_NAME_WORDS or w.endswith(_SECRET_ENDINGS) for w in words)


def secret_shape(value: str) -> bool:
    """Whether a value looks like a secret whatever its name: a private key, a JWT, a known key
    prefix, a URL with a password, or a long random-looking string."""
    text = value.strip()
    if _sure_secret(text):
        return True
    if len(text) < 20 or any(c.isspace() for c in text):
        return False
    kinds = sum((any(c.islower() for c in text), any(c.isupper() for c in text), any(c.isdigit() for c in text)))
    return kinds >= 2 and _entropy(text) >= 3.5


def secret_setting(name: str, value: str) -> bool:
    """Whether a setting is secret, by its name (`secret_name`) or its value's shape (`secret_shape`). A
    name whose last word says its value is an identifier (`IDENTIFIER_WORDS`: BEDROCK_MODEL_ID,
    ANTHROPIC_MODEL, CLIENT_ID) and has no secret word has its value judged by a secret's sure signs alone
    (a private key, a JWT, a known key prefix, a URL with a password), not by looking random: the model
    id anthropic.claude-sonnet-4-5-v1:0 is long and mixed, and the CTO report listed it as a secret."""
    if secret_name(name):
        return True
    words = _NAME_WORDS.findall(name)
    if words and words[-1].lower() in IDENTIFIER_WORDS:
        return _sure_secret(value.strip())
    return secret_shape(value)


def _sure_secret(text: str) -> bool:
    """A private key, a JWT, a known key prefix or a URL with a password: a secret whatever its name."""
    return bool(
        "PRIVATE KEY" in text or _JWT.match(text) or _KNOWN_PREFIXES.match(text) or _URL_CREDENTIALS.match(text)
    )


def redact_config(settings: Mapping[str, object]) -> tuple[ConfigEntry, ...]:
    """Each setting as a ConfigEntry, sorted by name; secret ones (by name or by shape) keep no value. A
    nested mapping's settings (an `environment:` block) are judged one by one, by their dotted names; a
    list is secret when an item is, or is one that cannot be judged (a mapping, a list)."""
    entries = []
    for name, raw in sorted(_flat(settings), key=lambda setting: setting[0]):
        text = "" if raw is None else str(raw)
        is_set = bool(text.strip())
        secret = secret_setting(name, text) or _secret_list(raw)
        value = None if secret or not is_set else text[:300]
        entries.append(ConfigEntry(name=name[:120], is_set=is_set, secret=secret, value=value))
    return tuple(entries)


def _flat(settings: Mapping[str, object], prefix: str = "") -> list[tuple[str, object]]:
    """(dotted name, value) of every setting, a nested mapping's too: judged whole, the text of
    `{'STRIPE_SECRET_KEY': 'sk_live_…'}` was no secret by its name or its shape, and was stored."""
    flat: list[tuple[str, object]] = []
    for name, raw in settings.items():
        if isinstance(raw, Mapping) and raw:
            flat += _flat(raw, f"{prefix}{name}.")
        else:
            flat.append((f"{prefix}{name}", raw))
    return flat


def _secret_list(value: object) -> bool:
    """Whether a list of settings holds a secret by its shape, or an item a shape cannot tell (a mapping)."""
    if not isinstance(value, list | tuple | set | frozenset):
        return False
    plain = str | int | float | bool | None
    return any(not isinstance(item, plain) or secret_shape(str(item)) for item in value)


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
