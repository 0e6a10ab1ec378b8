"""Jinja2 environments for pages, mail and demo exports.

HTML templates autoescape everything and trim block whitespace; plain-text templates (`.txt`)
keep their line breaks exactly as written. Templates live in `firstmate/templates/` (not under
web/) so that use cases can render mail without importing the web layer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment(text: bool = False) -> Environment:
    """The shared environment for HTML (default) or plain text, built on first use."""
    return Environment(
        loader=PackageLoader("firstmate", "templates"),
        autoescape=False if text else select_autoescape(["html", "xml", "mjml"], default_for_string=True),  # noqa: S701 - .txt is never HTML
        undefined=StrictUndefined,
        trim_blocks=not text,
        lstrip_blocks=not text,
        keep_trailing_newline=text,
        auto_reload=False,  # templates ship inside the package: no stat() of each file on every render
    )


def render(name: str, **context: Any) -> str:
    """Render the template `name` with `context`."""
    return environment(text=name.endswith(".txt")).get_template(name).render(**context)
