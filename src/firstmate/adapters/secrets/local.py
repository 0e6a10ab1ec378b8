"""LocalSecrets: secrets from FIRSTMATE_SECRET_<NAME> variables or HOME/secrets.toml.

The file is re-read whenever it changes, so a rotated token takes effect without a restart.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path

from firstmate.errors import ConfigError


class LocalSecrets:
    """The Secrets port on the environment and a TOML file."""

    def __init__(self, path: Path, environ: Mapping[str, str] | None = None) -> None:
        self._path = Path(path)
        self._environ = environ if environ is not None else os.environ
        self._cache: tuple[float, dict[str, str]] | None = None
        self._lock = threading.Lock()

    def get(self, name: str) -> str:
        from_env = self._environ.get(_variable(name))
        if from_env:
            return from_env
        value = self._in_file(name)
        if not value:
            raise ConfigError(
                f"secret {name} is missing",
                hint=f"set {_variable(name)} or add {name.lower()} = '…' to {self._path}",
            )
        return value

    def where(self, name: str) -> str | None:
        """Where `get` reads secret `name` from, in words (its variable, or its key in the file), or
        None when it is set in neither. Raises ConfigError when the file is not valid TOML."""
        if self._environ.get(_variable(name)):
            return _variable(name)
        return f"{name.lower()} in {self._path}" if self._in_file(name) else None

    def _in_file(self, name: str) -> str | None:
        return self._file().get(name.lower()) or self._file().get(name.upper())

    def _file(self) -> dict[str, str]:
        try:
            mtime = self._path.stat().st_mtime
        except FileNotFoundError:
            return {}
        except OSError as exc:  # a folder this user may not look into
            raise self._unreadable(exc) from None
        with self._lock:
            if self._cache is None or self._cache[0] != mtime:
                self._cache = (mtime, self._parse())
            return self._cache[1]

    def _parse(self) -> dict[str, str]:
        """The file's keys and values; a ConfigError naming the file and what to do when it cannot be read."""
        try:
            data = tomllib.loads(self._path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            hint = 'fix the file: each secret on a line of its own, its value quoted (name = "…")'
            raise ConfigError(f"{self._path} is not valid TOML: {exc}", hint=hint) from None
        except UnicodeDecodeError as exc:  # a token typed in an editor saving Latin-1 or UTF-16
            raise ConfigError(
                f"{self._path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at position {exc.start})",
                hint="save it as UTF-8",
            ) from None
        except OSError as exc:
            raise self._unreadable(exc) from None
        return {str(k): str(v) for k, v in data.items()}

    def _unreadable(self, exc: OSError) -> ConfigError:
        return ConfigError(
            f"cannot read {self._path}: {exc.strerror or exc}", hint="make it readable by the user firstmate runs as"
        )


def _variable(name: str) -> str:
    return f"FIRSTMATE_SECRET_{name.upper()}"
