"""One Jinja2 environment for pages, mail and demo exports, autoescaping HTML everywhere.

Templates live in `firstmate/templates/` (not under web/) so that use cases can render mail
without importing the web layer.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def environment() -> Environment:
    """The shared environment (built on first use, not at import)."""
    return Environment(
        loader=PackageLoader("firstmate", "templates"),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    """Render the template `name` with `context`."""
    return environment().get_template(name).render(**context)
