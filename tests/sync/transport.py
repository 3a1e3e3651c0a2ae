"""An in-process transport to the back-office app that can be down, fail and lose answers."""

from __future__ import annotations

import random

import httpx
from fastapi.testclient import TestClient

from kiosk.sync.service import SyncService


class FaultyTransport(httpx.BaseTransport):
    """Forwards to the FastAPI app through its TestClient, with injected faults.

    ``down``: every request fails to connect. ``lose``: the fraction of answers lost *after*
    the server committed (the kiosk sees a timeout). ``fail5xx``: the fraction answered 503
    without reaching the app.
    """

    def __init__(
        self, app_client: TestClient, rng: random.Random, *, lose: float = 0.0, fail5xx: float = 0.0
    ) -> None:
        self.app_client, self.rng, self.lose, self.fail5xx = app_client, rng, lose, fail5xx
        self.down = False
        self.requests = self.lost = self.failed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("back office is down", request=request)
        if self.rng.random() < self.fail5xx:
            self.failed += 1
            return httpx.Response(503, json={"detail": "injected"})
        answer = self.app_client.send(request)
        if self.rng.random() < self.lose:
            self.lost += 1
            raise httpx.ReadTimeout("answer lost after the server committed", request=request)
        headers = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in ("content-length", "content-encoding")
        }
        return httpx.Response(answer.status_code, headers=headers, content=answer.content)


def kiosk_client(transport: FaultyTransport) -> httpx.Client:
    return httpx.Client(transport=transport, base_url="http://testserver")


def start_sync_thread(runtime, app_client: TestClient, token: str) -> SyncService:
    """The kiosk's sync thread against the app (a steady transport), stopped with the runtime."""
    sync = SyncService(
        runtime,
        runtime.store,
        "http://testserver",
        token,
        client=kiosk_client(FaultyTransport(app_client, random.Random(3))),
    )
    sync.relay.idle_s = 0.05
    runtime.on_shutdown(sync.stop)
    sync.start()
    return sync
