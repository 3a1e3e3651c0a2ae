"""What the back office's door checks in the coupon events the coupons plugin sends
(``coupons``, ``coupons_reinstated``: types and bounds), registered with loyalty's event
handlers (``EventHandler.schema``), which keep the store's coupon uses; the handlers
(:func:`plugins.loyalty.backoffice.loyalty_sync.coupons_consumed`,
:func:`~plugins.loyalty.backoffice.loyalty_sync.coupons_reinstated`) check the meaning."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kiosk.backoffice.plugin_api import AllowExtra, text_field

#: The longest ids a kiosk keeps (its coupon tables: plugins/coupons/tables.py) and the
#: back office's coupon uses take: the door and the handlers check these same bounds.
SALE_ID_CHARS = 36  # a sale id, a return id: a UUID
COUPON_ID_CHARS = 80


class CouponsUsed(AllowExtra):
    """Outbox kind ``coupons``: the coupons a sale consumed."""

    sale_id: text_field(SALE_ID_CHARS) | None = None
    kiosk_id: text_field(32) | None = None
    coupons: Annotated[list[text_field(COUPON_ID_CHARS)], Field(max_length=100)] | None = None


class CouponsReinstated(CouponsUsed):
    """Outbox kind ``coupons_reinstated``: a return made a sale's coupons usable again (the
    sale's uses, as ``coupons`` named them, and the return that freed them)."""

    return_id: text_field(SALE_ID_CHARS) | None = None
