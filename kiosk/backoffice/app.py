"""The FastAPI application: kiosk sync API, integration API and the managers' web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from kiosk.backoffice import (
    api,
    business_day,
    console_api,
    console_web,
    customers_api,
    customers_web,
    loyalty_sync_api,
    loyalty_web,
    report_archive_web,
    taxfree_web,
    web,
    web_ops,
)
from kiosk.backoffice.change_bus import ChangeBus
from kiosk.backoffice.console_state import ConsoleSettings
from kiosk.backoffice.db import Database
from kiosk.backoffice.errors import BackofficeError, InvalidInput, LoginFailed
from kiosk.backoffice.throttle import LoginThrottle


class Backoffice:
    """What every request needs: the database, the clock and an optional plugin host.

    ``logins`` counts failed sign-ins (in memory, see :mod:`kiosk.backoffice.throttle`).

    ``sales`` is bumped after every ingest that applied something, for the live sales stream.
    """

    def __init__(
        self, db: Database, clock: Callable[[], datetime] = datetime.now, host: Any = None
    ) -> None:
        self.db, self.clock, self.host = db, clock, host
        self.sales = ChangeBus()
        self.logins = LoginThrottle()

    def today(self) -> date:
        """The current business date (the store's day may start after midnight)."""
        with self.db.reading() as session:
            return business_day.business_date(self.clock(), business_day.day_start(session))

    def day(self, value: str | None) -> date:
        """A ``YYYY-MM-DD`` request parameter, or the current business date when absent."""
        if not value:
            return self.today()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"date {value!r}: use YYYY-MM-DD") from None

    def plugin_results(self, hook: str, **kwargs: Any) -> list[Any]:
        if self.host is None:
            return []
        return list(self.host.call_each(hook, **kwargs))


def create_app(
    db: Database,
    clock: Callable[[], datetime] = datetime.now,
    host: Any = None,
    console: ConsoleSettings | None = None,
    *,
    archive_reports: bool = False,
) -> FastAPI:
    """``archive_reports`` runs the report archive's scheduler thread while the server runs."""
    lifespan = report_archive_web.lifespan if archive_reports else None
    app = FastAPI(
        title="Kiosk back office",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.bo = Backoffice(db, clock, host)
    app.state.console_bus, app.state.console_settings = ChangeBus(), console or ConsoleSettings()
    app.include_router(api.router)
    app.include_router(web.router)
    app.include_router(web_ops.router)
    app.include_router(console_api.router)
    app.include_router(console_web.router)
    app.include_router(loyalty_sync_api.router)
    app.include_router(loyalty_web.router)
    app.include_router(customers_api.router)
    app.include_router(customers_web.router)
    app.include_router(taxfree_web.router)
    app.include_router(report_archive_web.router)

    @app.exception_handler(BackofficeError)
    async def _typed_error(request: Request, exc: BackofficeError) -> Response:
        if request.url.path.startswith("/api/"):
            body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
            expected = getattr(exc, "expected", None)
            if expected is not None:
                body["expected_seq"] = expected
            response: Response = JSONResponse(body, status_code=exc.status)
        elif isinstance(exc, LoginFailed) and request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        else:
            response = web.error_page(exc)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    return app
