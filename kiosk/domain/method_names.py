"""How a tender is named on paper rebuilt from a stored document: a reprint, a return
invoice, the back office's e-receipt.

A receipt printed at the payment takes the name from the payment method itself (its
``name_key`` in the plugin's own gettext domain). A rebuilt one names it, in order:

1. the installed plugin's method, the same way (``installed``: what the runtime gives,
   :func:`kiosk.runtime.runtime.installed_method_names`) — the names the shop uses now;
2. the names the sale document kept from the payment (the tender's ``names``: one per
   receipt language, :meth:`kiosk.domain.sale.Sale.to_document`) — a method whose plugin
   is gone, or a document the back office shows;
3. for a **legacy** document only — recorded before tenders kept ``names`` — of a method
   that was built in then, :data:`LEGACY_BUILTIN_NAMES` (the back office runs no kiosk
   plugin, so without it an old e-receipt would say "cash" instead of 現金);
4. the method id.

The core learns no new method's name: a vendor's method (and any built-in one from now on)
is named like every other, by its plugin and the names its documents keep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: ``(method id, language) -> name``, or ``None`` when no installed method has that id
InstalledNames = Callable[[str, str], str | None]

#: Legacy only: the built-in methods' names as the plugins' catalogues give them, for
#: documents stored before tenders kept their ``names`` (before 2026-12). Frozen: never add
#: a method here — a document made since names its tenders itself. Used only when a tender
#: carries no ``names`` (tests/payments/test_method_names.py keeps it equal to the plugins').
LEGACY_BUILTIN_NAMES: Mapping[str, Mapping[str, str]] = {
    "cash": {"ja": "現金", "en": "Cash", "zh-Hans": "现金", "ko": "현금"},
    "card": {"ja": "クレジットカード", "en": "Credit card", "zh-Hans": "信用卡", "ko": "신용카드"},
    "emoney": {
        "ja": "電子マネー",
        "en": "E-money (IC card)",
        "zh-Hans": "电子钱包（IC卡）",
        "ko": "전자화폐 (IC 카드)",
    },
    "qr": {"ja": "QRコード決済", "en": "QR code payment", "zh-Hans": "扫码支付", "ko": "QR 결제"},
    "points": {"ja": "ポイント", "en": "Points", "zh-Hans": "积分", "ko": "포인트"},
}


def tender_name(
    tender: Mapping[str, Any], language: str, installed: InstalledNames | None = None
) -> str:
    """The name of a document's ``tender`` (``{"method": "cash", "names": {…}, …}``) in
    ``language``: the installed method's, else the stored one (English for a language it
    lacks), else — a legacy document without names — a built-in method's legacy name,
    else the method id."""
    method_id = str(tender.get("method") or "")
    if installed is not None:
        name = installed(method_id, language)
        if name:
            return name
    stored = tender.get("names")
    if not stored:  # a legacy document
        stored = LEGACY_BUILTIN_NAMES.get(method_id)
    if isinstance(stored, Mapping):
        name = stored.get(language) or stored.get("en")
        if isinstance(name, str) and name:
            return name
    return method_id


def stored_names(
    tenders: list[Mapping[str, Any]], payment_id: str, method_id: str
) -> dict[str, str] | None:
    """The names a sale document kept for the tender paid as ``payment_id`` (or, failing
    that, the first of ``method_id``): what a return document copies for its refund."""
    for key, value in (("payment_id", payment_id), ("method", method_id)):
        for tender in tenders:
            names = tender.get("names")
            if value and str(tender.get(key) or "") == value and isinstance(names, Mapping):
                return {str(k): str(v) for k, v in names.items()}
    return None
