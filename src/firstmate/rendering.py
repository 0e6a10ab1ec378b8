"""Jinja2 environments for pages, mail and demo exports.

HTML templates autoescape everything and trim block whitespace; plain-text templates (`.txt`)
keep their line breaks exactly as written. Templates live in `firstmate/templates/` (not under
web/) so that use cases can render mail without importing the web layer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with `view.field` on a plain dict looked up as a key first.

    Views are dicts, and Jinja tries the attribute first, failing with an exception each time (half
    of a crew page's render). Names that are a dict's own attributes (`items`, `get`…) keep Jinja's
    order, so every template means what it meant before."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` in a template."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def lines(text: str) -> Markup:
    """`text` over several lines as HTML shows it: each line escaped, a <br> between them. Notes kept every
    line, and a page or an HTML mail ran them into one ("- cake - ramp"); Outlook reads no CSS white-space."""
    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


@cache
def environment(text: bool = False) -> Environment:
    """The shared environment for HTML (default) or plain text, built on first use."""
    env = _Environment(
        loader=PackageLoader("firstmate", "templates"),
        autoescape=False if text else select_autoescape(["html", "xml", "mjml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=not text,
        lstrip_blocks=not text,
        keep_trailing_newline=text,
        auto_reload=False,  # templates ship inside the package: no stat() of each file on every render
    )
    env.filters["lines"] = lines
    return env


def render(name: str, **context: Any) -> str:
    """Render the template `name` with `context`."""
    return environment(text=name.endswith(".txt")).get_template(name).render(**context)
