"""The door of the API: body size, JSON nesting and non-numbers, before any route runs.

Every ``/api/`` request body is read here (at most :data:`MAX_BODY_BYTES`; more is a 413
without reading on), and a JSON body is refused with a 422 when it nests deeper than
:data:`MAX_DEPTH` (Python's parser recurses: 900 levels parse, 5,000 crash it) or holds
``NaN``/``Infinity`` (Python's ``json`` accepts them, JSON does not); a query parameter
holding NUL is refused too (no database text takes it). The routes' schemas
(:mod:`kiosk.backoffice.sales.schemas`) then check the fields. Pure ASGI, so streamed and
chunked bodies are counted as they come.
"""

from __future__ import annotations

import json
from itertools import accumulate
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 2 * 1024 * 1024  # a relay batch of 100 sales is ~200 KB
MAX_DEPTH = 32  # a sale document nests 5 deep inside its batch
#: the scope key holding the body as the door parsed it, so the route does not parse it again
#: (:data:`kiosk.backoffice.core.deps.JsonBody` reads it)
PARSED_JSON = "kiosk.door.json"


class BodyRefused(ValueError):
    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error = status, error


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


def json_depth(raw: bytes) -> int:
    """The deepest nesting of objects and arrays in ``raw`` (strings skipped), iteratively.

    In C loops (replace, split, translate, accumulate): a Python loop over every byte cost
    3 ms of a 12 KB batch of 10 sales, more than the rest of the door. Escapes go first
    (``\\\\`` then ``\\"``), so every quote left opens or closes a string and the even pieces
    between quotes are what lies outside strings. Exact for JSON; a backslash outside a
    string (not JSON) may count differently, and the parse refuses that body anyway."""
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))


def _no_constants(name: str) -> Any:
    raise BodyRefused(422, "InvalidInput", f"body: {name} is not a JSON number")


def check_json(raw: bytes) -> Any:
    """The parsed body; raise :class:`BodyRefused` for one too deep, with NaN/Infinity, or
    not JSON."""
    if json_depth(raw) > MAX_DEPTH:
        raise BodyRefused(422, "InvalidInput", f"body: nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, BodyRefused):
            raise
        raise BodyRefused(422, "InvalidInput", "body: not valid JSON") from None


class DoorMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            declared = 0
        try:
            if b"%00" in scope.get("query_string", b""):
                # PostgreSQL text cannot hold NUL: a query parameter with one reached the
                # database as a 500 (tax-free's same-day key id, found by the fuzz test)
                raise BodyRefused(
                    422, "InvalidInput", "query: a parameter with a NUL (%00) character"
                )
            if declared > self.max_bytes:
                raise BodyRefused(413, "BodyTooLarge", self._too_large())
            raw = await self._read(receive)
            content_type = headers.get(b"content-type", b"")
            if raw and (not content_type or b"json" in content_type):  # as FastAPI parses it
                scope[PARSED_JSON] = check_json(raw)
        except BodyRefused as exc:
            await _refuse(send, exc)
            return
        await self.app(scope, _replay(raw, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyRefused(413, "BodyTooLarge", self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"body larger than {self.max_bytes:,} bytes: send fewer events per batch"


def _replay(raw: bytes, original: Receive) -> Receive:
    """The body once, then the client's own messages (a streamed answer waits for them)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await original()

    return receive


async def _refuse(send: Send, exc: BodyRefused) -> None:
    body = json.dumps({"error": exc.error, "detail": str(exc)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})
