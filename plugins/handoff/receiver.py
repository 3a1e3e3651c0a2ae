"""Taking a hand-off on a payment kiosk (精算機): the basket appears read-only, ready to pay.

The basket comes from a scanned hand-off QR (no network needed) or from the store server
("go to kiosk 3": the shopper taps start or scans the short ticket). Either way the signed
code is verified with the store key, every line is found in this kiosk's catalogue, and the
total must match the station's, or nothing changes. The sale then carries the station's
staff id and the hand-off id (``Sale.staff_id``, ``Sale.extra``).
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.domain.basket import BasketLine, LineSource
from kiosk.domain.catalogue import UnknownProduct
from kiosk.domain.events import CheckoutState
from plugins.handoff.client import StoreServer
from plugins.handoff.errors import (
    KioskBusy,
    TicketAlreadyUsed,
    TotalMismatch,
    UnknownTicketProduct,
)
from plugins.handoff.ticket import HandOffTicket, TicketKeys

log = logging.getLogger(__name__)

USED_KEY = "handoff.used"
USED_KEEP = 500


class HandOffReceiver:
    def __init__(self, runtime: Any, keys: TicketKeys, server: StoreServer | None = None) -> None:
        self.runtime = runtime
        self.keys = keys
        self.server = server

    def take_code(self, code: str, via: str = "qr") -> HandOffTicket:
        """Verify a scanned hand-off code and put its basket on this kiosk, read-only."""
        ticket = self.keys.verify(code, self.runtime.clock())
        self.restore(ticket, via)
        return ticket

    def take_assigned(self, handoff_id: str | None = None) -> HandOffTicket | None:
        """Ask the store server for the hand-off assigned here; ``None`` when there is none."""
        if self.server is None:
            return None
        code = self.server.claim_handoff(handoff_id)
        return self.take_code(code, via="server") if code else None

    def on_start_tapped(self) -> HandOffTicket | None:
        """For the UI's "start" button (off the UI thread): the assigned basket, if any.

        Holds the sale (``runtime.exclusively()``) across the store server's claim and the
        restore, so a scan meanwhile cannot start a sale and lose the claimed hand-off. Not
        for hook code: a ``kiosk_claim_scan`` runs while ``handle_scan`` already holds it.
        """
        with self.runtime.exclusively():
            return self.take_assigned()

    def restore(self, ticket: HandOffTicket, via: str) -> None:
        runtime = self.runtime
        state = runtime.state
        if state is not CheckoutState.IDLE:
            raise KioskBusy(f"kiosk is {state.value}; finish or cancel that sale first")
        if ticket.handoff_id in self.used():
            raise TicketAlreadyUsed(f"hand-off {ticket.handoff_id} was already paid here")
        lines = [self._line(i, tl) for i, tl in enumerate(ticket.lines, 1)]
        total = runtime.take_handed_off_basket(
            lines,
            f"handoff:{ticket.handoff_id}",
            ticket.total,
            ticket.staff_id,
            {
                "handoff_id": ticket.handoff_id,
                "station_id": ticket.station_id,
                "handoff_via": via,
            },
        )
        if total != ticket.total:  # the basket was dropped again
            raise TotalMismatch(f"station total ¥{ticket.total:,}, this kiosk ¥{total:,}")
        runtime.journal(
            "handoff_received",
            {
                "handoff_id": ticket.handoff_id,
                "station_id": ticket.station_id,
                "staff_id": ticket.staff_id,
                "total": ticket.total,
                "lines": len(ticket.lines),
                "via": via,
                "sale_id": runtime.sale_id,
            },
        )

    def _line(self, n: int, tl: Any) -> BasketLine:
        try:
            product = self.runtime.catalogue.by_sku(tl.sku)
        except (KeyError, UnknownProduct):
            raise UnknownTicketProduct(f"{tl.sku} is not in this kiosk's catalogue") from None
        return BasketLine(
            line_id=n,
            product=product,
            quantity=tl.quantity,
            unit_price=tl.unit_price,
            weight_g=tl.weight_g,
            source=LineSource.HANDOFF,
            age_approved_by=tl.age_approved_by,
        )

    def used(self) -> list[str]:
        return list(self.runtime.stored_value(USED_KEY, []))

    def mark_used(self, handoff_id: str) -> None:
        used = [h for h in self.used() if h != handoff_id] + [handoff_id]
        self.runtime.store_value(USED_KEY, used[-USED_KEEP:])
