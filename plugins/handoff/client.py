"""HTTP to the store server (the back office), with the kiosk's bearer token.

Connection errors, timeouts and 5xx become :class:`StoreServerUnreachable`, so the caller can
fall back to paper (the hand-off QR) or simply try again at the next heartbeat.
"""

from __future__ import annotations

from typing import Any

import httpx

from plugins.handoff.errors import HandOffError, NoIdleKiosk, StoreServerUnreachable
from plugins.handoff.ticket import HandOffTicket


class StoreServer:
    def __init__(self, client: httpx.Client, token: str) -> None:
        self.client = client
        self.token = token

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        try:
            response = self.client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {self.token}"}
            )
        except httpx.TransportError as exc:
            raise StoreServerUnreachable(f"store server: {type(exc).__name__}: {exc}") from None
        if response.status_code >= 500:
            raise StoreServerUnreachable(f"store server answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            data = {"detail": response.text[:200]}
        if response.status_code == 409 and data.get("error") == "NoIdleKiosk":
            raise NoIdleKiosk(str(data.get("detail", "")))
        if response.status_code >= 400:
            raise HandOffError(
                f"store server refused ({response.status_code}): {data.get('detail')}"
            )
        return data

    def create_handoff(self, ticket: HandOffTicket, code: str) -> dict[str, Any]:
        """Register the hand-off; the answer names the assigned payment kiosk."""
        return self._call(
            "POST",
            "/api/v1/handoffs",
            {
                "handoff_id": ticket.handoff_id,
                "staff_id": ticket.staff_id,
                "total": ticket.total,
                "items": ticket.item_count,
                "expires_at": ticket.expires_at.isoformat(),
                "code": code,
            },
        )

    def claim_handoff(self, handoff_id: str | None = None) -> str | None:
        """The signed code of the hand-off assigned to this kiosk (or ``handoff_id``), if any."""
        data = self._call("POST", "/api/v1/handoffs/claim", {"handoff_id": handoff_id})
        return data.get("code")

    def report(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/api/v1/console/report", body)
