"""Helpers every page module shares: the page itself, the form body, the error page, CSV
downloads, redirects.

:func:`template_page` is the public way to answer with a page, for plugins too: a Jinja2
template (autoescaped, :mod:`kiosk.backoffice.core.templates`) that extends the base layout,
with the navigation, the session's CSRF token and the sign-out form filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice.core.bounds import whole_number
from kiosk.backoffice.core.errors import (
    BackofficeError,
)
from kiosk.backoffice.core.security import csrf_token
from kiosk.backoffice.core.templates import document

if TYPE_CHECKING:
    from kiosk.backoffice.staff.models import StaffRow

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
#: the least role each core page asks for (its route's dependency); the others need a manager.
#: The bar shows a link only to staff who may open it: an attendant saw every page and got a
#: 403 on most of them.
NAV_ROLES = {
    "/": "attendant",
    "/console": "attendant",
    "/inventory": "attendant",
    "/returns": "attendant",
    "/staff": "admin",
    "/audit": "admin",
}


def nav_links(role: str = "admin") -> list[tuple[str, str]]:
    """The pages a ``role`` may open: the core's, with the plugins' (``kiosk_backoffice_pages``)
    before master data."""
    from kiosk.backoffice.core.extensions import nav_entries
    from kiosk.backoffice.staff.auth import Role

    def allowed(needed: str) -> bool:
        return Role(role).allows(Role(needed))

    core = [(h, label) for h, label in NAV if allowed(NAV_ROLES.get(h, "manager"))]
    plugged = [(e.href, e.label) for e in nav_entries() if allowed(e.role)]
    at = next((i for i, (h, _) in enumerate(core) if h == "/masterdata"), len(core))
    return [*core[:at], *plugged, *core[at:]]


def template_page(
    template: str,
    title: str,
    staff: StaffRow | None,
    *,
    scripts: Sequence[str] = (),
    styles: Sequence[str] = (),
    wide: bool = False,
    status: int = 200,
    brand: str = "Back office",
    **context: Any,
) -> HTMLResponse:
    """A page from a Jinja2 template (``"<feature>/<file>"``) that extends the base layout.

    ``context`` values are escaped where the template shows them; ``scripts`` are file
    names under ``/static/backoffice`` or same-origin paths (``/…``, a plugin's router serves
    them), ``styles`` such paths of stylesheets loaded after the back office's; ``brand`` heads the page (a shopper's page names the
    store, not the back office). Without ``staff`` there is no navigation."""
    text = document(
        template,
        title,
        csrf=csrf_token(),
        nav=nav_links(staff.role) if staff else (),
        staff=staff,
        scripts=scripts,
        styles=styles,
        wide=wide,
        brand=brand,
        **context,
    )
    return HTMLResponse(text, status_code=status)


async def form(request: Request) -> dict[str, str]:
    """The urlencoded form body (no python-multipart needed)."""
    body = (await request.body()).decode("utf-8")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def error_page(exc: BackofficeError) -> HTMLResponse:
    # an error that says itself in the four languages (page_lines) shows them under the line
    lines = exc.page_lines() if hasattr(exc, "page_lines") else []
    return template_page(
        "core/error.html", "Problem", None, status=exc.status, message=str(exc), lines=lines
    )


def csv_response(name: str, text: str) -> Response:
    # UTF-8 with BOM so Excel in Japan opens it correctly
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def back(to: str) -> Response:
    return RedirectResponse(to, status_code=303)


def integer(data: dict[str, str], key: str, default: int | None = None) -> int:
    value = data.get(key, "").strip()
    if not value and default is not None:
        return default
    return whole_number(value, key)  # within a 32-bit column
