"""How pages name return reason codes (the ids stay in the data, CSV and JSON)."""

from __future__ import annotations

#: the default [returns] reason codes as the page shows them (a store's own codes as typed)
REASON_LABELS = {
    "changed_mind": "Changed mind お客様都合",
    "wrong_item": "Wrong item 誤購入",
    "damaged": "Damaged 破損",
    "expired": "Past its date 期限切れ",
    "other": "Other その他",
}


def reason_label(code: str) -> str:
    """``"Damaged 破損"`` for ``"damaged"``; a store's own code as it is."""
    return REASON_LABELS.get(code, code)
