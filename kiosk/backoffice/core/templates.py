"""Jinja2 templates for the back-office pages, autoescaped: the only place markup is made.

Each feature keeps its templates in its own ``templates/`` folder; a template is named
``"<feature>/<file>"`` (``"console/console.html"``). A plugin's folders come from its
``kiosk_backoffice_templates`` hook (:class:`~kiosk.backoffice.core.extensions.TemplateFolder`)
and are named the same way, by the folder's ``name`` (``"loyalty/customers.html"``), in the
same environment: a plugin page extends ``"core/base.html"`` and imports
``"core/macros.html"`` like a core page.

Autoescape is on for every template: a value reaches the page escaped. Nothing here marks a
Python string as markup, so text from a kiosk, a member card or a form can only be shown
as text. Cells that are more than text are values of the small types below (:class:`Link`,
:class:`Span`, :class:`Note`), which the ``cell`` macro lays out. Scripts and styles are
static files, so the CSP needs no ``unsafe-inline``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined

BACKOFFICE = Path(__file__).resolve().parents[1]
STATIC = "/static/backoffice"  # served from kiosk/backoffice/core/static
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


@dataclass(frozen=True, slots=True)
class Link:
    """A table cell (or any value) shown as a link; ``href`` may not be a script URL."""

    href: str
    text: object
    #: ``data-*`` attributes (``{"sort": "visits"}`` is ``data-sort="visits"``)
    data: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.href.strip().lower().startswith(SCRIPT_SCHEMES):
            raise ValueError(f"refusing a script URL in a link: {self.href[:40]!r}")


@dataclass(frozen=True, slots=True)
class Span:
    """Text with a style class (``ok``, ``bad``): a verdict, a discrepancy."""

    css_class: str
    text: object


@dataclass(frozen=True, slots=True)
class Note:
    """Text with a smaller second line under it (a coupon's id and its label)."""

    text: object
    note: object


def core_folders() -> tuple[tuple[str, Path], ...]:
    """Every feature's ``templates/`` folder, by the feature's name."""
    return tuple(
        (d.name, d / "templates")
        for d in sorted(BACKOFFICE.iterdir())
        if (d / "templates").is_dir()
    )


def plugin_folders() -> tuple[tuple[str, Path], ...]:
    """The installed plugins' template folders (``kiosk_backoffice_templates``)."""
    from kiosk.backoffice.core.extensions import current

    return tuple((f.name, Path(f.path)) for f in current().templates)


def environment() -> Environment:
    """The environment for the core's folders and the installed plugins' ones."""
    return _environment(plugin_folders())


@cache
def _environment(plugins: tuple[tuple[str, Path], ...]) -> Environment:
    core = core_folders()
    taken = {name for name, _ in core}
    clash = [name for name, _ in plugins if name in taken]
    if clash:
        raise ValueError(f"plugin template folder {clash[0]!r}: a back-office feature's name")
    loaders: dict[str, BaseLoader] = {}
    for name, path in (*core, *plugins):
        loaders[name] = FileSystemLoader(path)  # a second folder of one name: the last wins
    env = Environment(
        loader=PrefixLoader(loaders),
        autoescape=True,  # every template, whatever its file name
        undefined=StrictUndefined,  # a misspelt variable is an error, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["yen"] = yen
    env.filters["number"] = number
    env.tests["link"] = lambda value: isinstance(value, Link)
    env.tests["span"] = lambda value: isinstance(value, Span)
    env.tests["note"] = lambda value: isinstance(value, Note)
    env.tests["whole"] = lambda value: isinstance(value, int) and not isinstance(value, bool)
    env.tests["figure"] = is_figure
    return env


#: a cell that reads as a figure: a count, yen (``¥1,234``, ``-138``, ``+2,725``), a rate
#: (``8%※``, ``50.0``)
FIGURE = re.compile(r"[-−+]?[¥￥]?[-−]?[\d,]+(\.\d+)?%?※?")
#: what a figure column shows for a figure nobody knows (an open coupon's issued count)
NO_FIGURE = ("n/a", "—")


def is_figure(value: Any) -> bool:
    """Whether a table cell is a figure (right-aligned, so digits line up) rather than text
    (left-aligned: a name, a kiosk, a reason). A :class:`Span` is what its text is."""
    if isinstance(value, Span):
        value = value.text
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and (
        value.strip() in NO_FIGURE or FIGURE.fullmatch(value.strip()) is not None
    )


def yen(value: int) -> str:
    """``¥1,234``; a refund ``-¥138`` (the sign before the yen mark)."""
    return f"-¥{-value:,}" if value < 0 else f"¥{value:,}"


def number(value: int) -> str:
    return f"{value:,}"


def render(name: str, **context: Any) -> str:
    """The template ``name`` with ``context`` (every value escaped where it is shown)."""
    return environment().get_template(name).render(**context)


def document(
    name: str,
    title: str,
    *,
    csrf: str = "",
    nav: Sequence[tuple[str, str]] = (),
    staff: Any = None,
    scripts: Sequence[str] = (),
    wide: bool = False,
    brand: str = "Back office",
    **context: Any,
) -> str:
    """A whole document from a template that extends ``core/base.html``.

    With the defaults it is a document to keep (the report archive): no navigation, no
    session's token, no one signed in."""
    return render(
        name,
        csrf=csrf,
        title=title,
        brand=brand,
        static=STATIC,
        body_class="wide" if wide else "",
        nav=list(nav),
        staff=staff,
        scripts=list(scripts),
        **context,
    )
