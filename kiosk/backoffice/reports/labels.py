"""How report pages name payment methods: the built-in methods' ids as ja/en labels.

The ids stay in the data (CSV, JSON API, the database); only the pages show labels. A
method a plugin adds and this table does not know is shown by its id.
"""

from __future__ import annotations

PAYMENT_METHODS = {
    "cash": "Cash 現金",
    "card": "Card クレジットカード",
    "emoney": "E-money 電子マネー",
    "qr": "QR code QRコード決済",
    "points": "Points ポイント",
}


def method_label(method_id: str) -> str:
    """``"Cash 現金"`` for ``"cash"``; an unknown (plugin) method's id as it is."""
    return PAYMENT_METHODS.get(method_id, method_id)
