"""Reading a source's JSON answers warily: rows whose shape or figures the code cannot trust stop the
run with a SourceError that names the source, the page, the row and why, never a KeyError from deep
inside a run, and never a report built on a NaN or negative spend."""

from __future__ import annotations

import json
import math
from decimal import InvalidOperation
from typing import Any, NoReturn

from firstmate.errors import SourceAuthError, SourceError
from firstmate.ports import RawPage

#: What reading an unexpected shape raises (a missing key, a list for a dict, "abc" for a number…).
UNREADABLE = (KeyError, IndexError, TypeError, ValueError, ArithmeticError, AttributeError)

#: What to do about a pulled page firstmate cannot read (pages are archived before they are read).
HINT = (
    "nothing was sent; the pages are archived with the run (raw/<org>/<run>/): "
    "if the source changed its format, report it"
)
#: What to do about an answer that stops the pull itself (nothing is archived yet).
PULL_HINT = "nothing was stored or sent; run it again later, and if it fails the same way, report it"


def bearer(source: str, secret: str, token: str) -> str:
    """The Authorization header carrying `token` (spaces and line breaks around it, as an env file
    leaves them, taken off); SourceAuthError, naming the secret but never the token, for a token
    no header can carry (spaces or line breaks inside, characters beyond ASCII)."""
    token = token.strip()
    if not token or not token.isascii() or not token.isprintable() or " " in token:
        raise SourceAuthError(
            f"the {source} token (secret {secret}) is empty, or has spaces, line breaks or characters beyond ASCII",
            hint=f"copy the token again into secret {secret}",
        )
    return f"Bearer {token}"


def scrubbed(text: str, token: str) -> str:
    """`text` without `token`: a source's error may echo the credential it was sent ("Malformed
    access token EAA…"), and errors reach the owner's mail, the admin pages and the logs."""
    token = token.strip()
    return text.replace(token, "[the token]") if len(token) >= 8 else text


# not in errors.py: the sources' adapters catch it and raise a SourceError (`refused_number`)
class LooseNumber(ValueError):
    """An answer holding a number firstmate refuses: a source sending one sends it again."""


def json_answer(content: bytes) -> Any:
    """A source's answer read as JSON (ValueError if it is none), its numbers strictly: NaN and
    Infinity (which JSON does not allow, though Python's reader takes them) and numbers beyond a
    float's range are refused (LooseNumber). So a pulled page holds only values the archive writes
    back exactly as they came (orjson would write a NaN as null)."""
    return json.loads(content, parse_constant=_not_json, parse_float=_finite)


def refused_number(source: str, status: int, exc: LooseNumber) -> SourceError:
    """The error for an answer holding a number firstmate cannot take: not worth asking again."""
    return SourceError(f"{source} answered {status} with a number firstmate cannot take ({exc})", hint=PULL_HINT)


def _not_json(name: str) -> NoReturn:
    raise LooseNumber(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise LooseNumber(f"{text[:40]} is beyond a number's range")
    return value


def listed(page: RawPage, key: str, source: str, number: int) -> list[Any]:
    """The rows under `key` in page `number`'s body (none when the key is absent)."""
    body = page.get("body") if isinstance(page, dict) else None
    rows = body.get(key, []) if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise SourceError(f"{source} answered page {number} without a list of {key!r}", hint=HINT)
    return rows


def value_at(page: RawPage, *path: str, source: str) -> object:
    """The value at `path` in a page's body, None when it is absent; SourceError when the body, or a
    step on the way, is not an object (while pulling: nothing is archived yet)."""
    found: object = page.get("body") if isinstance(page, dict) else None
    for step in path:
        if not isinstance(found, dict):
            raise SourceError(f"{source} answered a page whose {'.'.join(path)} firstmate cannot read", hint=PULL_HINT)
        found = found.get(step)
        if found is None:
            return None
    return found


def an_object(value: object, what: str = "it") -> dict[str, Any]:
    """`value` if it is a JSON object; TypeError saying what it is instead (`what`: which part)."""
    if not isinstance(value, dict):
        raise TypeError(f"{what} is {type(value).__name__}, not an object")
    return value


def source_id(value: object) -> str:
    """An id as a source sends it (text or a whole number, never empty); TypeError otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise TypeError(f"an id must be text or a number, not {type(value).__name__} {str(value)[:40]!r}")
    return str(value)


def unreadable(source: str, what: str, exc: BaseException) -> SourceError:
    """The error for a row that could not be read: `what` says which (e.g. "row 3 of page 1")."""
    if isinstance(exc, KeyError):
        reason = f"it has no {str(exc.args[0])[:60]!r}"
    elif isinstance(exc, InvalidOperation):
        reason = "a figure is not a number"
    elif isinstance(exc, AttributeError):
        reason = "a part of it that should be an object is not one"
    else:
        reason = str(exc)[:200] or type(exc).__name__
    return SourceError(f"{source} answered {what} that firstmate cannot read: {reason}", hint=HINT)
