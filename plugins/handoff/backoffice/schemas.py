"""What kiosks send about hand-offs, checked at the door (strict types, bounded, unknown
fields refused). The wire format is the one kiosks have always sent."""

from typing import Annotated

from pydantic import Field

from kiosk.backoffice.plugin_api import Count, ForbidExtra, Time, Yen, text_field


class HandoffDone(ForbidExtra):
    handoff_id: text_field(32, 1)
    sale_id: text_field(36) | None = None
    total: Yen | None = None


class HandoffReport(ForbidExtra):
    """The hand-off fields of a kiosk's console report (``POST /api/v1/console/report``)."""

    handoff_id: text_field(32) | None = None  # the hand-off this kiosk is paying now
    handoffs_done: Annotated[list[HandoffDone], Field(default_factory=list, max_length=50)]


class HandoffCreate(ForbidExtra):
    """``POST /api/v1/handoffs`` — a station hands a signed basket to a payment kiosk."""

    handoff_id: text_field(32, 1)
    staff_id: text_field(32)
    total: Yen
    items: Count = 0
    expires_at: Time
    code: text_field(8192, 1)  # the signed basket, as the QR carries it


class HandoffClaim(ForbidExtra):
    handoff_id: text_field(32) | None = None
