"""Helpers every page module shares: the form body, the error page, CSV downloads, redirects."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kiosk.backoffice.core.bounds import whole_number
from kiosk.backoffice.core.errors import (
    BackofficeError,
)
from kiosk.backoffice.html import template_page


async def form(request: Request) -> dict[str, str]:
    """The urlencoded form body (no python-multipart needed)."""
    body = (await request.body()).decode("utf-8")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


def error_page(exc: BackofficeError) -> HTMLResponse:
    return template_page("core/error.html", "Problem", None, status=exc.status, message=str(exc))


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
