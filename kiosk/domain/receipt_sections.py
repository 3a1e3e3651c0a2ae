"""Plugin receipt sections as they travel to the back office, for the e-receipt page.

A sale's sections (points earned, the tax-free summary: ``kiosk_receipt_sections``) are
made after the sale is committed, from what the plugins did when it completed, so they are
not part of the sale document. The kiosk sends them once, as an outbox event of their own
(kind :data:`KIND`), whose event id is derived from the sale id
(:func:`sections_event_id`, :mod:`kiosk.domain.event_ids`): the back office keeps it as received (``bo_kiosk_events``,
its ``event_id`` unique) and the e-receipt page finds it by that id, no new table needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from kiosk.domain.event_ids import derived_event_id
from kiosk.domain.receipt import ReceiptSection

KIND = "receipt_sections"
#: Sections queued before ids came from :mod:`kiosk.domain.event_ids` have their id in this
#: namespace: the back office keeps them under it, and an outbox row queued then is sent
#: with it. Read only, to find those (:func:`sections_event_ids`); never used for new ids.
_FORMER_NAMESPACE = uuid.UUID("0b6c2f3e-5a51-4d8e-9a51-6b1f0e0c7d21")


def sections_event_id(sale_id: str) -> str:
    """The outbox event id of ``sale_id``'s sections: the same on the kiosk and the back office."""
    return derived_event_id(KIND, sale_id)


def sections_event_ids(sale_id: str) -> tuple[str, str]:
    """The ids ``sale_id``'s sections may be kept under: the current one, then the one a
    kiosk gave them before (a sale made, or its sections queued, before that change)."""
    return sections_event_id(sale_id), str(uuid.uuid5(_FORMER_NAMESPACE, f"{KIND}:{sale_id}"))


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
