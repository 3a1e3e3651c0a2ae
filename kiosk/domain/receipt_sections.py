"""Plugin receipt sections as they travel to the back office, for the e-receipt page.

A sale's sections (points earned, the tax-free summary: ``kiosk_receipt_sections``) are
made after the sale is committed, from what the plugins did when it completed, so they are
not part of the sale document. The kiosk sends them once, as an outbox event of their own
(kind :data:`KIND`), whose event id is derived from the sale id
(:func:`sections_event_id`): the back office keeps it as received (``bo_kiosk_events``,
its ``event_id`` unique) and the e-receipt page finds it by that id, no new table needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from kiosk.domain.receipt import ReceiptSection

KIND = "receipt_sections"
_NAMESPACE = uuid.UUID("0b6c2f3e-5a51-4d8e-9a51-6b1f0e0c7d21")  # this scheme's, fixed


def sections_event_id(sale_id: str) -> str:
    """The outbox event id of ``sale_id``'s sections: the same on the kiosk and the back office."""
    return str(uuid.uuid5(_NAMESPACE, f"{KIND}:{sale_id}"))


def sections_payload(sale_id: str, sections: Iterable[ReceiptSection]) -> dict[str, Any]:
    return {
        "sale_id": sale_id,
        "sections": [{"title": s.title, "lines": list(s.lines), "qr": s.qr} for s in sections],
    }


def sections_from_payload(payload: dict[str, Any]) -> tuple[ReceiptSection, ...]:
    """The sections of a kept event (checked at the back office's door: titles and lines are
    bounded text)."""
    return tuple(
        ReceiptSection(str(s["title"]), tuple(str(x) for x in s["lines"]), s.get("qr"))
        for s in payload.get("sections") or ()
    )
