"""QR wallet payments (PayPay style): shopper-presented codes and dynamic merchant codes.

Settings (``[plugins.pay_qr]``): ``base_url`` of the provider API (without it a
:class:`QrProviderSimulator` is started on 127.0.0.1). While the checkout is paying, a scanned
wallet code is claimed (and never logged) and used by the next QR payment.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.hookspecs import hookimpl
from plugins.pay_qr.method import QrMethod, is_wallet_code
from plugins.pay_qr.provider import QrProviderSimulator

__all__ = ["Plugin", "QrMethod", "QrProviderSimulator"]


class Plugin:
    def __init__(self) -> None:
        self.method: QrMethod | None = None
        self.provider: QrProviderSimulator | None = None

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[QrMethod]:
        if self.method is None:
            base_url = runtime.config.plugin_settings("pay_qr").get("base_url")
            if not base_url:
                self.provider = QrProviderSimulator().start()
                base_url = self.provider.base_url
            self.method = QrMethod(str(base_url))
        return [self.method]

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        if self.method is None or checkout.state is not CheckoutState.PAYING:
            return None
        if not is_wallet_code(scan.code):
            return None
        self.method.present_code(scan.code)
        return ScanClaim("pay_qr", "QRコードを読み取りました", "Payment code read")

    @hookimpl
    def kiosk_shutdown(self, runtime: Any) -> None:
        if self.method is not None:
            self.method.close()
        if self.provider is not None:
            self.provider.stop()
            self.provider = None
