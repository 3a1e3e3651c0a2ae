"""Jinja2 templates for the back-office pages, autoescaped.

Each feature keeps its templates in its own ``templates/`` folder; a template is named
``"<feature>/<file>"`` (``"console/console.html"``). Every page extends
``"core/base.html"``, the layout with the navigation (the core's pages and the plugins'
``kiosk_backoffice_pages``), the session's CSRF token and the sign-out form.

Autoescape is on for every template: a value reaches the page escaped unless it is
:class:`markupsafe.Markup`, and the only ``Markup`` we make is from
:class:`kiosk.backoffice.html.Html`, itself made only by that module's escaping builders.
Scripts and styles are static files, so the CSP needs no ``unsafe-inline``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined
from markupsafe import Markup

BACKOFFICE = Path(__file__).resolve().parents[1]


@cache
def environment() -> Environment:
    """One environment for all features: ``<feature>/templates/*.html`` as ``<feature>/*``."""
    loaders = {
        d.name: FileSystemLoader(d / "templates")
        for d in sorted(BACKOFFICE.iterdir())
        if (d / "templates").is_dir()
    }
    env = Environment(
        loader=PrefixLoader(loaders),
        autoescape=True,  # every template, whatever its file name
        undefined=StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["yen"] = lambda value: f"¥{value:,}"
    return env


def _cell(value: Any) -> Markup:
    """A table cell as :func:`kiosk.backoffice.html.cell` makes it (numbers grouped, escaped)."""
    from kiosk.backoffice.html import cell

    return Markup(cell(value))


def render(name: str, **context: Any) -> str:
    """The template ``name`` with ``context``; ``Html`` values are kept as markup."""
    from kiosk.backoffice.html import Html  # html builds pages through this module

    values = {k: Markup(v) if isinstance(v, Html) else v for k, v in context.items()}
    return environment().get_template(name).render(**values)
