"""An org file: one TOML file holding an org's business profile and people, to edit and import.

The format is the demo's own (`firstmate/demo/business.toml`): an `[org]` table, then `[[entities]]`,
`[[assets]]` and `[[people]]` tables. `org_toml` writes a stored org back in the same shape, so the file
an operator edits is always one `firstmate org import` reads.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from firstmate.domain.intake import RowError

#: The starter file's org id (the demo's is `demo`).
STARTER_ORG = "my-business"
MAX_FILE_BYTES = 1024 * 1024  # a business of hundreds of boats and people is a few hundred KB
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

TEMPLATE_HEADER = """\
# An org for firstmate: your business lines, boats (and other assets), crew and admins.
# This starter is the demo's operator; every name in it is fictional, every address on example.com.
# Put your own in place of them (ids are lower-case words joined by hyphens; keep an id once it is used:
# bookings, trips and sign-ins name it), then run: firstmate org import {path}
# Importing again after an edit changes only what changed; nothing is removed. To stop someone hearing
# of trips, set active = false on them.
"""


def read_org_file(path: Path) -> dict[str, Any] | list[RowError]:
    """The file's tables as TOML reads them; or the one problem that stops it being read."""
    where = str(path)
    try:
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "does not exist"
            return [RowError(where, f"{what}; run 'firstmate org template org.toml' for a starter file")]
        if path.stat().st_size > MAX_FILE_BYTES:
            return [RowError(where, f"is over {MAX_FILE_BYTES // 1024} KB; an org file is a few KB")]
        raw = path.read_bytes()
    except OSError as exc:
        return [RowError(where, f"cannot be read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is no part of the file
    except UnicodeDecodeError as exc:
        return [RowError(where, f"is not UTF-8 (byte {exc.start + 1}); save it as UTF-8")]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [RowError(where, f"is not valid TOML: {exc}")]
    except RecursionError:  # tomllib reads a list in a list… by recursion: thousands deep, it gives up
        nesting = "lists or tables nested hundreds deep"
        return [RowError(where, f"holds {nesting}; an org file's values are text, numbers, or lists of them")]


def template_text(path: Path) -> str:
    """The annotated starter file: the demo operator's, with a header saying what to do."""
    demo = resources.files("firstmate.demo").joinpath("business.toml").read_text(encoding="utf-8")
    body = demo.split("\n", 1)[1] if demo.startswith("#") else demo  # its own first line speaks of the demo
    # an id of its own: imported as it is, or with the id left unchanged, it made the demo's org yours
    body = body.replace('\nid = "demo"\n', f"\nid = \"{STARTER_ORG}\"  # your org's id: every command's --org\n", 1)
    return TEMPLATE_HEADER.format(path=path) + body


def org_toml(tables: Mapping[str, Any], header: str) -> str:
    """`tables` (plain JSON-like data: the org, entities, assets and people as stored) as a TOML file
    that reads back to the same data, `header` (comment lines) first. None values are left out."""
    lines = header.rstrip("\n").split("\n") if header else []
    _table(lines, [], tables)
    return "\n".join(lines).strip("\n") + "\n"


def _table(lines: list[str], path: list[str], data: Mapping[str, Any]) -> None:
    """Write one table's values, then its sub-tables, then its arrays of tables (TOML's order)."""
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    arrays = {k: v for k, v in data.items() if _array_of_tables(v)}
    for key, value in data.items():
        if value is not None and key not in tables and key not in arrays:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in tables.items():
        lines += ["", f"[{'.'.join(_key(p) for p in [*path, key])}]"]
        _table(lines, [*path, key], value)
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{'.'.join(_key(p) for p in [*path, key])}]]"]
            _table(lines, [*path, key], item)


def _array_of_tables(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Sequence):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _string(text: str) -> str:
    """A TOML string of `text`: a waiver's lines as they are (a literal multi-line string) when they
    can be; otherwise a basic string, JSON's escapes being TOML's too (DEL added: TOML forbids it bare)."""
    if "\n" in text and "'''" not in text and not text.endswith("'") and _printable(text):
        return f"'''\n{text}'''"
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _printable(text: str) -> bool:
    """No character a literal string cannot hold (control characters but tab and line feed)."""
    return not any((ord(c) < 32 and c not in "\t\n") or c == "\x7f" for c in text)
