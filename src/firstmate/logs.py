"""Structured logging: JSON lines in production, readable lines in a terminal, secrets never.

`configure_logging` is called by entrypoints (CLI, server, Lambda), never at import time.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, Literal

import structlog

_SECRET_KEY = re.compile(r"(token|secret|password|passwd|authorization|cookie|api_?key|credential)", re.I)
# JWTs, bearer tokens, token/key query parameters and URL passwords inside free text
_SECRET_TEXT = [
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), "[redacted-jwt]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1[redacted]"),
    (re.compile(r"(?i)([?&](?:t|code|sig|signature|\w*(?:token|key|secret|password))=)[^&\s\"']+"), r"\1[redacted]"),
    # a login in a URL (a base URL through a proxy): httpx logs each request's URL whole. The user name may be
    # empty (an API key as the password alone), and the password runs to the authority's last "@"
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^/?#\s]+@"), r"\1[redacted]@"),
    (re.compile(r"(/g/)[0-9A-Za-z-]{10,11}\b"), r"\1[redacted]"),  # a guest page code is its guest's key
    (re.compile(r"\bEAA[A-Za-z0-9]{20,}"), "[redacted-meta-token]"),  # Meta's access tokens, bare
    (re.compile(r"\bpat-[a-z0-9]{2,6}-[0-9a-f-]{20,}"), "[redacted-hubspot-token]"),  # HubSpot's private app tokens
]


def redact_text(text: str) -> str:
    """`text` with anything shaped like a token, bearer credential, signed query or URL password replaced."""
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: "[redacted]" if _SECRET_KEY.search(str(k)) else _redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact_text(repr(value))  # an object's repr may carry a token


def redact_processor(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: masks secret-named fields and token-shaped text in every event."""
    event_dict.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate of the message
    for key in list(event_dict):
        if _SECRET_KEY.search(key):
            event_dict[key] = "[redacted]"
        else:
            event_dict[key] = _redact(event_dict[key])
    return event_dict


def _error_line(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: an exception's one line (`error`) in place of its traceback."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info is True:
        exc_info = sys.exc_info()
    exc = exc_info if isinstance(exc_info, BaseException) else exc_info[1] if isinstance(exc_info, tuple) else None
    if exc is not None:
        event_dict.setdefault("error", f"{type(exc).__name__}: {exc}")
    return event_dict


def configure_logging(
    fmt: Literal["auto", "json", "console"] = "auto",
    level: str = "info",
    stream: Any = None,
    *,
    tracebacks: bool = True,
) -> None:
    """Route structlog and the standard library's logging through one redacting pipeline. Without
    `tracebacks` (a CLI command, not run with --verbose) an exception logs its one line alone."""
    stream = stream or sys.stderr
    as_json = fmt == "json" or (fmt == "auto" and not stream.isatty())
    renderer: Any = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        # tracebacks become text before redaction, so a token in an exception message is masked too
        structlog.processors.format_exc_info if tracebacks else _error_line,
        redact_processor,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # fontTools says a dozen things per PDF at info ("glyf pruned"): the reports' logs drowned in them
    logging.getLogger("fontTools").setLevel(max(logging.WARNING, root.level))
    # uvicorn's lines (access lines carry query strings) go through this pipeline, redacted, at this
    # level, also when uvicorn's own CLI configured its loggers first (its handlers write unredacted)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
        logging.getLogger(name).setLevel(logging.NOTSET)
