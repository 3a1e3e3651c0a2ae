"""QR wallet payments (PayPay style): shopper-presented codes and dynamic merchant codes.

Settings (``[plugins.pay_qr]``): ``base_url`` of the provider API (without it a
:class:`QrProviderSimulator` is started on 127.0.0.1); ``mode`` — ``"shopper"`` (default: the
shopper shows their app's code to the kiosk's scanner) or ``"merchant"`` (the screen shows a
code the shopper scans with their app). A wallet code scanned while a QR payment waits goes
to it through the runtime (:meth:`QrMethod.take_code`); one scanned while the checkout is
paying but no QR payment runs yet is claimed here and used by the next QR payment. Codes are
never logged.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import ConfigError
from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.hookspecs import hookimpl
from plugins.pay_qr.method import MODES, QrMethod, is_wallet_code
from plugins.pay_qr.provider import QrProviderSimulator

__all__ = ["Plugin", "QrMethod", "QrProviderSimulator"]


class Plugin:
    def __init__(self) -> None:
        self.method: QrMethod | None = None
        self.provider: QrProviderSimulator | None = None

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[QrMethod]:
        if self.method is None:
            settings = runtime.config.plugin_settings("pay_qr")
            mode = settings.get("mode", "shopper")
            if mode not in MODES:
                raise ConfigError(
                    runtime.config.source, "plugins.pay_qr", f"mode must be one of {MODES}"
                )
            base_url = settings.get("base_url")
            if not base_url:
                self.provider = QrProviderSimulator().start()
                base_url = self.provider.base_url
            self.method = QrMethod(str(base_url), mode=mode)
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
