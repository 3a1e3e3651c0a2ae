"""QR wallet payments (PayPay style): shopper-presented codes and dynamic merchant codes.

Settings (``[plugins.pay_qr]``, :class:`PayQrSettings`): ``base_url`` of the provider API,
``simulate`` and ``mode``. Without ``base_url`` the plugin refuses to start unless simulators
were asked for (``simulate = true`` or the ``simulated`` hardware profile); then a
:class:`QrProviderSimulator` runs on 127.0.0.1 (training), and the developer device panel's
wallet (role ``qr``) pays the code on the screen. ``mode`` — ``"shopper"`` (default: the
shopper shows their app's code to the kiosk's scanner), ``"merchant"`` (the screen shows a
code the shopper scans with their app) or ``"both"`` (a tile for each). A wallet code
scanned while a QR payment waits goes to it through the runtime (:meth:`QrMethod.take_code`);
one scanned while the checkout is paying but no QR payment runs yet is claimed here and used
by the next QR payment. Codes are never logged.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kiosk.config import plugin_settings_model
from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.hookspecs import hookimpl
from kiosk.messages import Message
from kiosk.payments.simulation import (
    SimulatorSettings,
    not_configured,
    show_on_panel,
    use_simulator,
)
from plugins.pay_qr.method import MerchantQrMethod, QrMethod, is_wallet_code
from plugins.pay_qr.provider import QrProviderSimulator

DOMAIN = "plugins.pay_qr"  # gettext domain of the shopper messages: plugins/pay_qr/locale

NAME = "pay_qr"

__all__ = ["PayQrSettings", "Plugin", "QrMethod", "QrProviderSimulator"]


class PayQrSettings(SimulatorSettings):
    base_url: str | None = Field(None, pattern=r"^https?://\S+$")  # the provider's API
    #: who shows the code: the shopper's app to our scanner, our screen to their app, or
    #: both (two tiles: the shopper chooses)
    mode: Literal["shopper", "merchant", "both"] = "shopper"


class Plugin:
    def __init__(self) -> None:
        self.method: QrMethod | None = None  # the one a claimed wallet code goes to
        self.methods: list[QrMethod] = []
        self.provider: QrProviderSimulator | None = None

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[PayQrSettings]]:
        return NAME, PayQrSettings

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[QrMethod]:
        if self.method is None:
            config = runtime.config
            settings = plugin_settings_model(config, NAME, PayQrSettings)
            base_url = settings.base_url
            if use_simulator(config, settings, connected=bool(base_url)):
                self.provider = QrProviderSimulator().start()
                base_url = self.provider.base_url
                # the developer device panel's wallet pays the code on the screen ("qr")
                show_on_panel(runtime, "qr", "QRWallet", self.provider)
            elif not base_url:
                raise not_configured(
                    config, NAME, "base_url", "missing: the QR provider's API address"
                )
            if settings.mode == "both":
                self.method = QrMethod(str(base_url), mode="shopper")
                self.methods = [self.method, MerchantQrMethod(str(base_url))]
            else:
                self.method = QrMethod(str(base_url), mode=settings.mode)
                self.methods = [self.method]
            for method in self.methods:
                method.simulated = self.provider is not None
        return list(self.methods)

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        if self.method is None or checkout.state is not CheckoutState.PAYING:
            return None
        if not is_wallet_code(scan.code):
            return None
        self.method.present_code(scan.code)
        return ScanClaim("pay_qr", Message.of("Payment code read.", DOMAIN))

    @hookimpl
    def kiosk_shutdown(self, runtime: Any) -> None:
        for method in self.methods:
            method.close()
        if self.provider is not None:
            self.provider.stop()
            self.provider = None
