"""What protects the back office's pages in a browser: headers, CSRF, cookie settings.

One ASGI middleware (:class:`SecurityMiddleware`) for every response and every request:

- security headers on every response: a strict Content-Security-Policy (scripts and styles
  only from our own static files, no inline script, no framing), ``X-Frame-Options: DENY``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``;
- cross-site request forgery, for requests the session *cookie* authenticates: an unsafe
  method (POST, PUT, PATCH, DELETE) must come from our own origin (``Origin``, else
  ``Referer``; same host on another port is another origin) and carry the session's CSRF
  token (form field ``csrf_token`` or header ``X-CSRF-Token``). ``/login`` gets the origin
  check only, with or without a cookie (no forced sign-in into someone else's account).

Requests with ``Authorization: Bearer`` (kiosks) or ``Authorization: Session``
(integrations) are not cookie-authenticated and need neither: a browser cannot add that
header to a cross-site request. A request with no session cookie carries no ambient
authority and is left to the route, which asks for a token or a sign-in.

The CSRF token is derived from the session cookie (SHA-256 with a fixed label), so it is
per session, needs no storage, and the stored session hash does not reveal it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from kiosk.backoffice.core.errors import BackofficeError

SESSION_COOKIE = "bo_session"  # the same name as kiosk.backoffice.core.deps.SESSION_COOKIE
CSRF_FIELD, CSRF_HEADER = "csrf_token", "x-csrf-token"
LOGIN_PATH = "/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_FORM_BYTES = 8 * 1024 * 1024  # the largest form (master-data settings JSON) is far below

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

_csrf: ContextVar[str] = ContextVar("backoffice_csrf", default="")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SettingError(BackofficeError):
    """A web security setting has a value we do not understand (the message names it)."""

    status = 500


@dataclass(frozen=True)
class WebSecurity:
    """Settings (environment variables, or ``kiosk-backoffice serve`` flags).

    ``secure_cookies`` (``BACKOFFICE_SECURE_COOKIES``): mark the session cookie ``Secure``;
    turn on whenever browsers reach the back office over TLS (the usual reverse proxy).
    ``api_docs`` (``BACKOFFICE_API_DOCS``): serve ``/openapi.json`` to signed-in managers;
    off by default. ``public_origin`` (``BACKOFFICE_PUBLIC_ORIGIN``, e.g.
    ``https://backoffice.shop.example``): the origin browsers use, when a proxy in front
    changes the Host header; by default the request's own scheme and Host are the origin.
    """

    secure_cookies: bool = False
    api_docs: bool = False
    public_origin: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebSecurity:
        env = os.environ if environ is None else environ
        origin = env.get("BACKOFFICE_PUBLIC_ORIGIN", "").strip().rstrip("/")
        if origin and _origin_of(origin) is None:
            raise SettingError(
                f"environment BACKOFFICE_PUBLIC_ORIGIN={origin!r}: use scheme://host[:port]"
            )
        return cls(
            secure_cookies=_flag(env, "BACKOFFICE_SECURE_COOKIES"),
            api_docs=_flag(env, "BACKOFFICE_API_DOCS"),
            public_origin=origin,
        )


def _flag(env: Mapping[str, str], key: str) -> bool:
    value = env.get(key, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise SettingError(f"environment {key}={value!r}: use true or false")


def csrf_for(session_token: str) -> str:
    """The CSRF token of the session whose cookie is ``session_token``."""
    return hashlib.sha256(b"kiosk-backoffice csrf\0" + session_token.encode()).hexdigest()


def csrf_token() -> str:
    """The current request's CSRF token ('' without a session), for forms and the page."""
    return _csrf.get()


@contextmanager
def no_session() -> Iterator[None]:
    """Render without the current session's CSRF token (documents kept or sent elsewhere)."""
    reset = _csrf.set("")
    try:
        yield
    finally:
        _csrf.reset(reset)


def _origin_of(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or (443 if parts.scheme == "https" else 80)


class SecurityMiddleware:
    """Adds the security headers and refuses cross-site, token-less cookie requests."""

    def __init__(self, app: ASGIApp, settings: WebSecurity | None = None) -> None:
        self.app, self.settings = app, settings or WebSecurity()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        session = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        reset = _csrf.set(csrf_for(session) if session else "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in SECURITY_HEADERS if k not in have),
                ]
            await send(message)

        try:
            if self._needs_check(scope, headers, session):
                problem, receive = await self._check(scope, headers, session, receive)
                if problem:
                    await _refuse(scope, headers, problem, send_with_headers)
                    return
            await self.app(scope, receive, send_with_headers)
        finally:
            _csrf.reset(reset)

    @staticmethod
    def _needs_check(scope: Scope, headers: Headers, session: str) -> bool:
        if scope["method"] in SAFE_METHODS:
            return False
        scheme = headers.get("authorization", "").split(" ", 1)[0].lower()
        if scheme in ("bearer", "session"):
            return False  # a kiosk or an integration: not authenticated by the cookie
        return bool(session) or scope["path"] == LOGIN_PATH

    def _expected_origin(self, scope: Scope, headers: Headers) -> tuple[str, str, int] | None:
        if self.settings.public_origin:
            return _origin_of(self.settings.public_origin)
        scheme = "https" if self.settings.secure_cookies else scope.get("scheme", "http")
        return _origin_of(f"{scheme}://{headers.get('host', '')}")

    async def _check(
        self, scope: Scope, headers: Headers, session: str, receive: Receive
    ) -> tuple[str, Receive]:
        claimed = headers.get("origin") or headers.get("referer")
        if not claimed:
            return "no Origin or Referer header: refused as a possible cross-site request", receive
        expected = self._expected_origin(scope, headers)
        if expected is None or _origin_of(claimed) != expected:
            return f"cross-site request from {claimed[:80]} refused", receive
        if not session or scope["path"] == LOGIN_PATH:
            return "", receive  # signing in uses no session: the origin is what matters
        token = headers.get(CSRF_HEADER, "")
        if not token and headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            body, receive = await _read_body(receive)
            values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            token = (values.get(CSRF_FIELD) or [""])[-1]
        if not token or not hmac.compare_digest(token, csrf_for(session)):
            return "missing or wrong CSRF token: reload the page and try again", receive
        return "", receive


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a ``receive`` that hands the same messages on."""
    messages: list[Message] = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if len(body) > MAX_FORM_BYTES or not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay


async def _refuse(scope: Scope, headers: Headers, problem: str, send: Send) -> None:
    wants_json = scope["path"].startswith("/api/") or "json" in headers.get("content-type", "")
    if wants_json:
        body = json.dumps({"error": "CrossSiteRequest", "detail": problem}).encode()
        kind = b"application/json"
    else:
        from kiosk.backoffice.core.templates import document  # the pages' layout, escaped

        body = document("core/error.html", "Refused", message=problem).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
