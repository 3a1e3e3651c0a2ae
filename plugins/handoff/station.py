"""The staff registration station (登録機): staff scan, the shopper pays at a payment kiosk.

It is the same kiosk app in a staff profile: a :class:`KioskRuntime` whose basket a signed-in
member of staff builds. :meth:`StaffStation.hand_off` signs the basket, asks the store server
for an idle payment kiosk ("go to kiosk 3") and, if the server is unreachable or every
payment kiosk is busy, returns the signed code for a printed QR instead. Either way the
station's basket is put aside and the station is ready for the next shopper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import segno

from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.runtime.runtime import ScanOutcome
from kiosk.staff import PinCheck, Role, StaffAccount
from plugins.handoff.client import StoreServer
from plugins.handoff.errors import NoIdleKiosk, NothingToHandOff, StoreServerUnreachable
from plugins.handoff.ticket import DEFAULT_TTL, HandOffTicket, TicketKeys


class NotSignedIn(PermissionError):
    """The station is locked: a member of staff signs in with their id and PIN first."""


@dataclass(frozen=True, slots=True)
class HandOffResult:
    ticket: HandOffTicket
    code: str  # the signed basket; printed as a QR when ``paper`` is True
    kiosk_id: str | None = None  # the payment kiosk the store server assigned
    kiosk_name: str = ""
    paper: bool = False
    reason: str = ""  # why paper: the store server was unreachable or no kiosk was idle

    def slip_lines(self) -> list[str]:
        """The text the station prints (the QR, if any, goes under it)."""
        head = [
            f"お会計番号 Hand-off {self.ticket.handoff_id}",
            f"合計 Total ¥{self.ticket.total:,}",
        ]
        if self.kiosk_id:
            where = self.kiosk_name or self.kiosk_id
            return [*head, f"{where} 番の精算機へお進みください", f"Please pay at kiosk {where}"]
        return [
            *head,
            "空いている精算機でこのQRコードをかざしてください",
            "Scan this QR code at any free payment kiosk",
            f"有効期限 Valid until {self.ticket.expires_at:%H:%M}",
        ]

    def qr_png(self, scale: int = 3) -> bytes:
        buffer = io.BytesIO()
        segno.make(self.code, error="m").save(buffer, kind="png", scale=scale, border=4)
        return buffer.getvalue()


class StaffStation:
    def __init__(
        self,
        runtime: Any,
        keys: TicketKeys,
        staff: PinCheck,
        server: StoreServer | None = None,
        ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self.runtime = runtime
        self.keys = keys
        self.staff = staff
        self.server = server
        self.ttl = ttl
        self.signed_in: StaffAccount | None = None

    # --- staff ---------------------------------------------------------------------------

    def sign_in(self, staff_id: str, pin: str) -> StaffAccount:
        """Check the PIN (5 wrong → locked, :mod:`kiosk.staff`) and journal the sign-in."""
        account = self.staff.check(staff_id, pin, Role.ATTENDANT)
        self.runtime.audit_staff(account, "station_sign_in", {})
        self.signed_in = account
        return account

    def sign_out(self) -> None:
        self.signed_in = None

    def _account(self) -> StaffAccount:
        if self.signed_in is None:
            raise NotSignedIn("sign in with your staff id and PIN first")
        return self.signed_in

    # --- registering ---------------------------------------------------------------------

    def scan(self, code: str) -> ScanOutcome:
        self._account()
        return self.runtime.handle_scan(Scan(code, source="station"))

    def approve_pending(self) -> list[Any]:
        """Staff at the station see the shopper: they confirm ages (and other asks) here."""
        account = self._account()
        return self.runtime.approve_if_waiting(account.staff_id)

    def hand_off(self) -> HandOffResult:
        """Sign the basket, get a payment kiosk (or paper), and clear the station."""
        account = self._account()
        runtime = self.runtime
        sale = runtime.sale_view()
        active = sale.active_lines
        if sale.state is not CheckoutState.SHOPPING or not active:
            raise NothingToHandOff(
                f"station is {sale.state.value}" + ("" if active else " with an empty basket")
            )
        ticket = HandOffTicket.from_lines(
            active,
            station_id=runtime.config.kiosk_id,
            staff_id=account.staff_id,
            total=sale.totals.total,
            now=runtime.clock(),
            ttl=self.ttl,
        )
        code = self.keys.sign(ticket)
        result = self._assign(ticket, code)
        runtime.hand_basket_away(f"handoff:{ticket.handoff_id}")
        runtime.journal(
            "handoff_sent",
            {
                "handoff_id": ticket.handoff_id,
                "staff_id": account.staff_id,
                "total": ticket.total,
                "lines": len(ticket.lines),
                "kiosk_id": result.kiosk_id,
                "paper": result.paper,
                "reason": result.reason,
            },
        )
        return result

    def _assign(self, ticket: HandOffTicket, code: str) -> HandOffResult:
        if self.server is None:
            return HandOffResult(ticket, code, paper=True, reason="no store server configured")
        try:
            answer = self.server.create_handoff(ticket, code)
        except StoreServerUnreachable as exc:
            return HandOffResult(ticket, code, paper=True, reason=str(exc))
        except NoIdleKiosk as exc:
            return HandOffResult(ticket, code, paper=True, reason=str(exc) or "no idle kiosk")
        return HandOffResult(
            ticket, code, kiosk_id=answer["kiosk_id"], kiosk_name=answer.get("kiosk_name", "")
        )
