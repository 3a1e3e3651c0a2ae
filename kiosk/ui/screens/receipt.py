"""Paid: receipt choice (レシート) — print, e-receipt QR, or none — and the e-receipt code."""

from __future__ import annotations

from typing import Any

from kiosk.ui.basket_view import yen_text
from kiosk.ui.i18n import CJK_LIST_MARKS
from kiosk.ui.qr import qr_texture
from kiosk.ui.widgets import KioskScreen


class ReceiptScreen(KioskScreen):
    """Shows the figures of the sale just paid (``ctl.sale``: total, paid, change in yen)."""

    def money(self, key: str, sale: dict[str, Any], language: str) -> str:
        return yen_text(int(sale.get(key, 0)), language) if sale else ""

    def paid_label(self, sale: dict[str, Any], language: str) -> str:
        """ "Paid" and the methods used: お預かり（現金）, Paid (Cash + E-money (IC card))."""
        names = [m.get(language) or m.get("en", "") for m in sale.get("methods", ())]
        label = self.ctl.t("Paid")
        if not names:
            return label
        if language in CJK_LIST_MARKS:  # full-width brackets
            return f"{label}（{CJK_LIST_MARKS[language].join(names)}）"
        return f"{label} ({' + '.join(names)})"


class EReceiptScreen(KioskScreen):
    def on_pre_enter(self, *_args: Any) -> None:
        self.ids.qr.texture = qr_texture(self.ctl.ereceipt_url)
