"""Paid: receipt choice (レシート) — print, e-receipt QR, or none — and the e-receipt code."""

from __future__ import annotations

from typing import Any

from kiosk.ui.qr import qr_texture
from kiosk.ui.widgets import KioskScreen


class ReceiptScreen(KioskScreen):
    pass


class EReceiptScreen(KioskScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self.ids.qr.texture = qr_texture(self.ctl.ereceipt_url)
