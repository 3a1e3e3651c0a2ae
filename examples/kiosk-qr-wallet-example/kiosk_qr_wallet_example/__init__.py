"""An example third-party QR wallet plugin (entry point ``example_qr_wallet``).

The kiosk shows a dynamic code the shopper scans with their wallet app; the method draws it
with the public display API (``show_code``, ``show_status``), never with kiosk internals.
"""

from __future__ import annotations

from typing import Any

from kiosk.hookspecs import hookimpl
from kiosk_qr_wallet_example.method import WalletMethod
from kiosk_qr_wallet_example.provider import WalletProvider

__all__ = ["Plugin", "WalletMethod", "WalletProvider"]


class Plugin:
    """One instance per kiosk (the plugin host makes it)."""

    def __init__(self) -> None:
        self.provider = WalletProvider()  # a real plugin opens its provider's API here
        self.method = WalletMethod(self.provider)

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[WalletMethod]:
        return [self.method]
