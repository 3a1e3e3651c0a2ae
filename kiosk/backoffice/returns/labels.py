"""How pages name return reason codes (the ids stay in the data, CSV and JSON)."""

from __future__ import annotations

from kiosk.domain.return_receipt_text import REASON_NAMES

#: the default [returns] reason codes as the page shows them, English then Japanese, in the
#: words the return screen and the paper use (one vocabulary: "Damaged 破損・不良" here is
#: 破損・不良 on the return invoice and on the staff's button)
REASON_LABELS = {
    code: f"{english} {REASON_NAMES['ja'][code]}" for code, english in REASON_NAMES["en"].items()
}


def reason_label(code: str) -> str:
    """``"Damaged 破損・不良"`` for ``"damaged"``; a store's own code as it is."""
    return REASON_LABELS.get(code, code)
