"""How a tender is named on paper rebuilt from a stored document: a reprint, a return
invoice, the back office's e-receipt.

A receipt printed at the payment takes the name from the payment method itself (its
``name_key`` in the plugin's own gettext domain). A rebuilt one names it, in order:

1. the installed plugin's method, the same way (``installed``: what the runtime gives,
   :func:`kiosk.runtime.runtime.installed_method_names`) — the names the shop uses now;
2. the names the sale document kept from the payment (the tender's ``names``: one per
   receipt language, :meth:`kiosk.domain.sale.Sale.to_document`) — a method whose plugin
   is gone, or a document the back office shows;
3. the method id.

The core knows no method's name: a vendor's method is named like a built-in one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: ``(method id, language) -> name``, or ``None`` when no installed method has that id
InstalledNames = Callable[[str, str], str | None]


def tender_name(
    tender: Mapping[str, Any], language: str, installed: InstalledNames | None = None
) -> str:
    """The name of a document's ``tender`` (``{"method": "cash", "names": {…}, …}``) in
    ``language``: the installed method's, else the stored one (English for a language it
    lacks), else the method id."""
    method_id = str(tender.get("method") or "")
    if installed is not None:
        name = installed(method_id, language)
        if name:
            return name
    stored = tender.get("names")
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
