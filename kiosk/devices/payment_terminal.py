"""PaymentTerminal (決済端末): card / e-money (電子マネー) / QR payments.

The kiosk sends an amount and an idempotency key, and gets back an outcome, an opaque token
and at most a masked card number (first 6 / last 4). **Card data never enters the kiosk**:
:class:`PaymentResult` refuses anything that looks like more than a masked number.

The terminal's wire protocol belongs to the payment plugin; it implements
:class:`PaymentTerminalDriver` and registers it with ``kiosk_register_drivers``.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from dataclasses import dataclass
from enum import StrEnum

from kiosk.devices.base import Device, DeviceDriver
from kiosk.devices.errors import DeviceDisconnected, DeviceTimeout, PaymentOutcomeUnknown


class PaymentKind(StrEnum):
    CARD = "card"  # credit / debit (クレジット・デビット)
    EMONEY = "emoney"  # 交通系IC, iD, QUICPay, WAON, nanaco, Edy …
    QR = "qr"  # PayPay, d払い, 楽天ペイ …


class Outcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"  # the customer did not present a card; nothing was charged
    UNKNOWN = "unknown"  # the kiosk lost track: resolve with query(key) before retrying


_MASKED = re.compile(r"^(\d{6})?[*Xx•]{2,}\d{4}$")


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    amount: int
    idempotency_key: str
    kind: PaymentKind = PaymentKind.CARD

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError("the amount must be a positive number of yen")
        if not self.idempotency_key:
            raise ValueError("an idempotency key is required")


@dataclass(frozen=True, slots=True)
class PaymentResult:
    idempotency_key: str
    outcome: Outcome
    amount: int
    token: str | None = None  # opaque reference for refunds / reconciliation
    masked_number: str | None = None  # e.g. "412345******1234" or "****1234"
    brand: str | None = None
    approval_code: str | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if self.masked_number is not None and not _MASKED.match(self.masked_number):
            raise ValueError(
                "masked_number must be first6 + mask + last4 (or mask + last4); "
                "full card numbers must never reach the kiosk"
            )
        for text in (self.token, self.approval_code, self.message, self.brand):
            if text and re.search(r"\d{11,}", text.replace(" ", "").replace("-", "")):
                raise ValueError("result text contains a long digit run: refusing card data")

    @property
    def approved(self) -> bool:
        return self.outcome is Outcome.APPROVED


class PaymentTerminalDriver(DeviceDriver):
    """Implemented by the payment plugin (real terminal) and by the simulator."""

    @abstractmethod
    def authorize(self, request: PaymentRequest, timeout: float) -> PaymentResult:
        """Run one payment; the same key twice must not charge twice.

        Raise :class:`DeviceDisconnected` / :class:`DeviceTimeout` when the outcome is not
        known (the device turns both into :class:`PaymentOutcomeUnknown`).
        """

    @abstractmethod
    def query(self, idempotency_key: str) -> PaymentResult | None:
        """What happened to this key (None: the terminal never saw it)."""

    @abstractmethod
    def cancel(self, idempotency_key: str) -> PaymentResult:
        """Cancel a pending payment or void an approved one."""


class PaymentTerminal(Device):
    """A ``payment_result`` data event follows every result, including late ones."""

    device_class = "PaymentTerminal"
    driver: PaymentTerminalDriver

    def authorize(
        self,
        amount: int,
        idempotency_key: str,
        kind: PaymentKind | str = PaymentKind.CARD,
        timeout: float = 60.0,
    ) -> PaymentResult:
        """Charge ``amount`` yen (blocking: call off the UI thread).

        :raises PaymentOutcomeUnknown: the connection dropped or the terminal did not answer;
            call :meth:`query` with the same key before anything else.
        """
        request = PaymentRequest(amount, idempotency_key, PaymentKind(kind))
        with self._operation("authorize"):
            try:
                result = self.driver.authorize(request, timeout)
            except (DeviceDisconnected, DeviceTimeout) as exc:
                raise PaymentOutcomeUnknown(
                    f"payment {idempotency_key}: {exc}", device=self.name
                ) from exc
        self.stats.increment(f"payments_{result.outcome}")
        self.driver_data("payment_result", result)
        return result

    def query(self, idempotency_key: str) -> PaymentResult | None:
        with self._operation("query"):
            return self.driver.query(idempotency_key)

    def cancel(self, idempotency_key: str) -> PaymentResult:
        with self._operation("cancel"):
            result = self.driver.cancel(idempotency_key)
        self.driver_data("payment_result", result)
        return result
