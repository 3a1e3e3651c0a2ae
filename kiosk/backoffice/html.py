"""HTML builders that escape by construction: the public helper for plugins' pages too.

Pages are laid out by the Jinja2 base template (:mod:`kiosk.backoffice.core.templates`,
autoescaped); a feature page is either a template of its own (:func:`template_page`) or a
body built here and put in the layout by :func:`page`. Plugins (tax-free, loyalty, the
feedback example) build their pages with these builders; this module's names are a stable,
documented API for them.

Every page body is an :class:`Html` value, and the only ways to make one are this module's
builders: :func:`fmt` (a *literal* template whose every argument is escaped unless it is
already ``Html``), :func:`join`, ``Html + value`` (the value is escaped) and the tag helpers.
:func:`page` refuses a plain ``str`` body, so text from a kiosk, a member card or a form can
only reach a page escaped. There is no "raw" escape hatch: markup we need (a link, a span
with a class) has a builder here.

Styles and scripts are static files (``/static/backoffice/…``) so the Content-Security-Policy
needs no ``unsafe-inline`` (see :mod:`kiosk.backoffice.core.security`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape as _escape
from typing import LiteralString

from fastapi.responses import HTMLResponse

from kiosk.backoffice.core.security import csrf_token, no_session
from kiosk.backoffice.core.templates import render
from kiosk.backoffice.staff.models import StaffRow

STATIC = "/static/backoffice"  # served from kiosk/backoffice/core/static


class Html(str):
    """Markup that is safe to send: made only by this module's escaping builders."""

    __slots__ = ()

    def __add__(self, other: object) -> Html:
        return Html(str.__add__(self, esc(other)))

    def __radd__(self, other: object) -> Html:
        return Html(str.__add__(esc(other), self))


def esc(value: object) -> Html:
    """``value`` as markup: unchanged if it already is, else its text escaped."""
    if isinstance(value, Html):
        return value
    return Html(_escape("" if value is None else str(value), quote=True))


def _arg(value: object) -> object:
    # numbers stay numbers so format specs such as {:,} work; they cannot carry markup
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return esc(value)


def fmt(template: LiteralString, *args: object, **kwargs: object) -> Html:
    """``template.format(...)`` with every argument escaped (``Html`` arguments kept).

    ``template`` must be a literal written in this code base (``LiteralString``): data goes
    in the arguments, never in the template.
    """
    return Html(
        template.format(*(_arg(a) for a in args), **{k: _arg(v) for k, v in kwargs.items()})
    )


def join(parts: Iterable[object], separator: LiteralString = "") -> Html:
    """The parts escaped (unless ``Html``) and joined."""
    return Html(separator.join(esc(p) for p in parts))


def link(href: str, text: object, **attrs: object) -> Html:
    """``<a href=…>text</a>``; ``href`` is escaped too and may not be a ``javascript:`` URL."""
    if href.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
        raise ValueError(f"refusing a script URL in a link: {href[:40]!r}")
    extra = join(fmt(' {}="{}"', k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items())
    return fmt('<a href="{}"{}>{}</a>', href, extra, text)


def span(css_class: str, text: object) -> Html:
    return fmt('<span class="{}">{}</span>', css_class, text)


def post_form(
    action: str, inner: Html, *, id_: str = "", css_class: str = "", hidden: dict | None = None
) -> Html:
    """A POST form carrying this session's CSRF token (every state-changing form uses this)."""
    attrs = fmt(' id="{}"', id_) if id_ else Html()
    attrs += fmt(' class="{}"', css_class) if css_class else Html()
    fields = join(
        fmt('<input type="hidden" name="{}" value="{}">', k, v)
        for k, v in {"csrf_token": csrf_token(), **(hidden or {})}.items()
    )
    return fmt('<form method="post" action="{}"{}>{}{}</form>', action, attrs, fields, inner)


NAV = (
    ("/", "Today 本日"),
    ("/console", "Console 監視"),
    ("/reports/daily", "Daily 日報"),
    ("/reports/monthly", "Monthly 月報"),
    ("/reports/archive", "Archive 帳票保管"),
    ("/reports/pl", "P&L 部門損益"),
    ("/settlement", "Settlement 精算"),
    ("/inventory", "Inventory 在庫"),
    ("/search", "Search 電帳法検索"),
    ("/returns", "Returns 返品"),
    ("/masterdata", "Master data マスタ"),
    ("/kiosks", "Kiosks 端末"),
    ("/staff", "Staff 担当者"),
    ("/audit", "Audit 監査"),
)


def nav_links() -> list[tuple[str, str]]:
    """The core's pages, with the plugins' (``kiosk_backoffice_pages``) before master data."""
    from kiosk.backoffice.core.extensions import nav_entries

    core = list(NAV)
    at = core.index(("/masterdata", "Master data マスタ"))
    return [*core[:at], *((e.href, e.label) for e in nav_entries()), *core[at:]]


def page(
    title: str,
    body: Html,
    staff: StaffRow | None,
    *,
    scripts: Sequence[str] = (),
    wide: bool = False,
    status: int = 200,
    brand: str = "Back office",
) -> HTMLResponse:
    """The whole document: ``body`` in the base layout (``core/templates/base.html``).

    ``scripts`` are file names under ``/static/backoffice``; ``brand`` heads the page (a
    shopper's page names the store, not the back office)."""
    if not isinstance(body, Html):
        raise TypeError("page body must be Html built with kiosk.backoffice.html (escaped)")
    return template_page(
        "core/base.html",
        title,
        staff,
        scripts=scripts,
        wide=wide,
        status=status,
        brand=brand,
        body=body,
    )


def template_page(
    template: str,
    title: str,
    staff: StaffRow | None,
    *,
    scripts: Sequence[str] = (),
    wide: bool = False,
    status: int = 200,
    brand: str = "Back office",
    **context: object,
) -> HTMLResponse:
    """A page from a feature's Jinja2 template (autoescaped), which extends the base layout.

    ``context`` values are escaped in the template unless they are ``Html``."""
    document = render(
        template,
        csrf=csrf_token(),
        title=title,
        brand=brand,
        static=STATIC,
        body_class="wide" if wide else "",
        nav=nav_links() if staff else [],
        staff=staff,
        scripts=list(scripts),
        **context,
    )
    return HTMLResponse(document, status_code=status)


def stored_page(title: str, body: Html) -> str:
    """A whole document to keep (the report archive): no navigation, no session's token."""
    with no_session():
        return page(title, body, None).body.decode("utf-8")


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, id_: str = "") -> Html:
    head = join(fmt("<th>{}</th>", h) for h in header)
    body = join(fmt("<tr>{}</tr>", join(fmt("<td>{}</td>", cell(v)) for v in row)) for row in rows)
    ident = fmt(' id="{}"', id_) if id_ else Html()
    return fmt("<table{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", ident, head, body)


def cell(value: object) -> Html:
    """A table cell's content: ``Html`` as built, numbers grouped, everything else escaped."""
    if isinstance(value, Html):
        return value
    if isinstance(value, bool):
        return Html("yes" if value else "")
    if isinstance(value, int):
        return Html(f"{value:,}")
    return esc(value)


def yen(value: int) -> str:
    return f"¥{value:,}"
