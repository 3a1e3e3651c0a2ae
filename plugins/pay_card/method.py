"""The card method (クレジット・デビット): the amount goes to a networked terminal (KTP/1).

The kiosk never sees the card: the terminal answers with a token and a masked number.
While the terminal's card-network link is down (``online()`` false: the terminal's own
answer to KTP/1 ``link``, never the back office), the method can take store-and-forward
payments (the terminal approves locally and forwards later) under a per-payment cap and a
total cap; with no caps configured it is not offered then. A terminal that does not answer
at all (``reachable()`` false) takes nothing, caps or not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.money import Yen
from kiosk.messages import N_
from kiosk.payments.method import Outcome, PaymentMethod, PaymentResult
from kiosk.payments.probe import CachedProbe
from plugins.pay_card.client import TerminalClient, TerminalNoAnswer, TerminalUnreachable

log = logging.getLogger(__name__)

_OUTCOMES = {
    "approved": Outcome.APPROVED,
    "declined": Outcome.DECLINED,
    "cancelled": Outcome.CANCELLED,
    "refunded": Outcome.REFUNDED,
    "not_found": Outcome.NOT_FOUND,
    "pending": Outcome.UNKNOWN,
}


@dataclass
class StoreAndForward:
    """Offline caps (オフライン承認上限): per payment and in total until back online.

    ``used`` is written through ``persist`` on every change, so a kiosk restarted while still
    offline does not start its total again from zero (the plugin keeps it in the local
    store's config). An amount is reserved before the terminal is asked and released only if
    the terminal did not approve: a crash in between over-counts, which errs on the safe side.
    """

    per_payment_cap: Yen
    total_cap: Yen
    used: Yen = 0
    persist: Callable[[Yen], None] | None = None

    def allows(self, amount: Yen) -> bool:
        return amount <= self.per_payment_cap and self.used + amount <= self.total_cap

    @property
    def left(self) -> Yen:
        return max(0, min(self.per_payment_cap, self.total_cap - self.used))

    def reserve(self, amount: Yen) -> bool:
        if not self.allows(amount):
            return False
        self._set(self.used + amount)
        return True

    def release(self, amount: Yen) -> None:
        self._set(max(0, self.used - amount))

    def forwarded(self) -> None:
        if self.used:
            self._set(0)

    def _set(self, used: Yen) -> None:
        self.used = used
        if self.persist is not None:
            self.persist(used)


class CardMethod(PaymentMethod):
    id = "card"
    name_key = N_("Credit card")  # plugins/pay_card/locale: the tile and the receipt
    domain = "plugins.pay_card"
    icon = "card"
    max_amount = 2_000_000

    def __init__(
        self,
        client: TerminalClient,
        *,
        store_and_forward: StoreAndForward | None = None,
        online: Callable[[], bool] = lambda: True,
        reachable: Callable[[], bool] = lambda: True,
    ) -> None:
        self.client = client
        self.saf = store_and_forward
        self.online = online  # the terminal's card-network link is up
        self.reachable = reachable  # the terminal answers and is ready for a card
        #: the cached probe behind ``online``/``reachable`` (the plugin's), if any: a sale
        #: that could not reach the terminal makes the next look ask again
        self.link: CachedProbe[str] | None = None
        self.works_offline = store_and_forward is not None
        self._lock = threading.Lock()

    # the kiosk's deadlines sit above the terminal client's own timeouts, so the client's
    # answer ("no answer" = UNKNOWN) normally comes first
    @property
    def start_deadline_s(self) -> float:  # type: ignore[override]
        return self.client.connect_timeout_s + self.client.sale_timeout_s + 15

    @property
    def call_deadline_s(self) -> float:  # type: ignore[override]
        return self.client.connect_timeout_s + self.client.query_timeout_s + 10

    def network_up(self) -> bool:
        return self.reachable() and self.online()

    def network_problem(self) -> str:
        host, port = self.client.address
        if not self.reachable():
            return f"card terminal {host}:{port} not answering or not ready"
        if not self.online():
            if self.saf is None:
                return f"card network down at terminal {host}:{port}: no offline caps configured"
            left = self.saf.left
            return f"card network down at terminal {host}:{port}: offline limit left {left} yen"
        return ""

    def available(self, online: bool) -> bool:
        if online:
            if self.saf is not None:
                self.saf.forwarded()  # network back: the terminal forwards what it stored
            return True
        return self.reachable() and self.saf is not None and self.saf.left > 0

    def accepts(self, amount: Yen) -> bool:
        if not super().accepts(amount):
            return False
        return self.online() or (self.saf is not None and self.saf.allows(amount))

    # --- PaymentMethod ---

    def start(self, amount: Yen, idempotency_key: str) -> PaymentResult:
        offline = not self.online()
        if offline:
            with self._lock:
                if self.saf is None or not self.saf.reserve(amount):
                    return PaymentResult(Outcome.DECLINED, message="over the offline card limit")
        result = self._sale(amount, idempotency_key, offline=offline)
        # an unknown outcome keeps its reservation: the terminal may yet have approved it
        if (
            offline
            and self.saf is not None
            and result.outcome not in (Outcome.APPROVED, Outcome.UNKNOWN)
        ):
            with self._lock:
                self.saf.release(amount)
        return result

    def _sale(self, amount: Yen, idempotency_key: str, *, offline: bool) -> PaymentResult:
        try:
            reply = self.client.sale(idempotency_key, amount, offline=offline)
        except TerminalUnreachable as exc:
            if self.link is not None:
                self.link.forget()
            return PaymentResult(Outcome.CANCELLED, message=f"not sent: {exc}")
        except TerminalNoAnswer as exc:
            return PaymentResult(Outcome.UNKNOWN, message=str(exc))
        return _result(reply)

    def status(self, idempotency_key: str) -> PaymentResult:
        return self._ask(lambda: self.client.status(idempotency_key))

    def cancel(self, idempotency_key: str) -> PaymentResult:
        return self._ask(lambda: self.client.void(idempotency_key))

    def refund(self, idempotency_key: str, amount: Yen, refund_key: str) -> PaymentResult:
        return self._ask(lambda: self.client.refund(idempotency_key, amount, refund_key))

    @staticmethod
    def _ask(call: Callable[[], dict[str, Any]]) -> PaymentResult:
        try:
            return _result(call())
        except (TerminalUnreachable, TerminalNoAnswer) as exc:
            return PaymentResult(Outcome.UNKNOWN, message=str(exc))


def _result(reply: dict[str, Any]) -> PaymentResult:
    outcome = _OUTCOMES.get(str(reply.get("result")), Outcome.UNKNOWN)
    return PaymentResult(
        outcome,
        amount=int(reply.get("amount") or 0) if outcome is not Outcome.DECLINED else 0,
        reference=str(reply.get("token") or ""),
        masked=str(reply.get("masked") or ""),
        message=str(reply.get("message") or ""),
    )
