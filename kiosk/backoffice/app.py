"""The FastAPI application: kiosk sync API, integration API and the managers' web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError

from kiosk.backoffice import routers
from kiosk.backoffice.archive import web as report_archive_web
from kiosk.backoffice.console.state import ConsoleSettings
from kiosk.backoffice.core import bounds, business_day, change_feed, extensions, sse
from kiosk.backoffice.core.change_bus import ChangeBus
from kiosk.backoffice.core.db import Database
from kiosk.backoffice.core.db_unavailable import unavailable
from kiosk.backoffice.core.deps import Manager
from kiosk.backoffice.core.door import DoorMiddleware
from kiosk.backoffice.core.errors import BackofficeError, InvalidInput, LoginFailed
from kiosk.backoffice.core.pages import error_page
from kiosk.backoffice.core.query_errors import InvalidQuery, body_problem, query_problems
from kiosk.backoffice.core.security import SecurityMiddleware, WebSecurity
from kiosk.backoffice.core.templates import STATIC
from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.staff.throttle import LoginThrottle

STATIC_DIR = Path(__file__).parent / "core" / "static"


class Backoffice:
    """What every request needs: the database, the clock and the plugin host.

    ``logins`` counts failed sign-ins (in memory, see :mod:`kiosk.backoffice.staff.throttle`).

    ``sales`` is bumped after every ingest that applied something, for the live sales stream.
    """

    def __init__(
        self, db: Database, clock: Callable[[], datetime] = datetime.now, host: Any = None
    ) -> None:
        self.db, self.clock, self.host = db, clock, host
        self.sales = ChangeBus("sales")
        #: a live stream also sends when nothing woke it for this long (a new business day)
        self.live_refresh_s = sse.LIVE_REFRESH_S
        self.logins = LoginThrottle()

    def today(self) -> date:
        """The current business date (the store's day may start after midnight)."""
        with self.db.reading() as session:
            return business_day.business_date(self.clock(), business_day.day_start(session))

    def day(self, value: str | None) -> date:
        """A ``YYYY-MM-DD`` request parameter (2000–2099), or the current business date when
        absent."""
        if not value:
            return self.today()
        return bounds.business_day(value)

    def plugin_results(self, hook: str, **kwargs: Any) -> list[Any]:
        return list(self.host.call_each(hook, **kwargs))


def create_app(
    db: Database,
    clock: Callable[[], datetime] = datetime.now,
    host: Any = None,
    console: ConsoleSettings | None = None,
    *,
    archive_reports: bool = False,
    web_security: WebSecurity | None = None,
) -> FastAPI:
    """``archive_reports`` runs the report archive's scheduler thread while the server runs.

    ``host``: the plugin host (:func:`kiosk.backoffice.core.extensions.builtin_host` when not
    given); its pages, routers, event handlers and master-data sections are installed here.

    ``web_security``: cookie and API-docs settings (:class:`WebSecurity`; defaults: cookies
    without ``Secure``, no API docs). The interactive docs pages (``/docs``, ``/redoc``) are
    never served: they need inline script and a CDN, which the CSP forbids.
    """
    security = web_security or WebSecurity()
    host = host if host is not None else extensions.builtin_host()
    plugged = extensions.collect(host)
    extensions.install(plugged)
    backoffice, console_bus = Backoffice(db, clock, host), ChangeBus("console")
    lifespan = change_feed.lifespan(  # live pages across workers (PostgreSQL LISTEN/NOTIFY)
        db.engine,
        {"sales": backoffice.sales, "console": console_bus},
        # sales' stock takes settled into on_hand about once a second (PostgreSQL)
        pending_stock.lifespan(db, report_archive_web.lifespan if archive_reports else None),
    )
    app = FastAPI(
        title="Kiosk back office",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(SecurityMiddleware, settings=security)
    app.add_middleware(DoorMiddleware)
    app.mount(STATIC, StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def _favicon() -> Response:
        """The icon a browser asks for by itself (a JSON or CSV page has no <link rel=icon>):
        the pages' own SVG, so no request for it ends in a 404 on the browser's console."""
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    app.state.web_security = security
    app.state.bo = backoffice
    app.state.console_bus, app.state.console_settings = console_bus, console or ConsoleSettings()
    routers.include_all(app, plugged.routers)  # kiosk_backoffice_routers after the features'
    if security.api_docs:
        _serve_openapi_to_staff(app)

    @app.exception_handler(BackofficeError)
    async def _typed_error(request: Request, exc: BackofficeError) -> Response:
        if request.url.path.startswith("/api/"):
            body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
            expected = getattr(exc, "expected", None)
            if expected is not None:
                body["expected_seq"] = expected
            body.update(getattr(exc, "body", None) or {})  # e.g. which outbox event was bad
            response: Response = JSONResponse(body, status_code=exc.status)
        elif isinstance(exc, LoginFailed) and request.method == "GET":
            return RedirectResponse("/login", status_code=303)
        else:
            response = error_page(exc)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = query_problems(exc.errors())
        if problems is not None:
            return await _typed_error(request, InvalidQuery(problems))
        if request.url.path.startswith("/api/"):  # the project's shape, one line
            return await _typed_error(request, InvalidInput(body_problem(exc.errors())))
        return await request_validation_exception_handler(request, exc)  # a page's form

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> Response:
        # disk full, I/O error, locked too long: rolled back, so "later" (503), not a 500
        return await _typed_error(request, unavailable(exc, f"{request.method} {request.url.path}"))

    return app


def _serve_openapi_to_staff(app: FastAPI) -> None:
    """``GET /api/v1/openapi.json`` for signed-in managers (session cookie or header)."""

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    def openapi(_: Manager) -> dict[str, Any]:
        return app.openapi()
