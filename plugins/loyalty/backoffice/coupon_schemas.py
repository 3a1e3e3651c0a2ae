"""What the back office's door checks in a ``coupons_reinstated`` outbox event (types and
bounds), registered with its event handler (``EventHandler.schema``); the handler
(:func:`plugins.loyalty.backoffice.loyalty_sync.coupons_reinstated`) checks the meaning."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kiosk.backoffice.plugin_api import AllowExtra, text_field


class CouponsReinstated(AllowExtra):
    """Outbox kind ``coupons_reinstated``: a return made a sale's coupons usable again."""

    return_id: text_field(36) | None = None
    sale_id: text_field(64) | None = None
    kiosk_id: text_field(32) | None = None
    coupons: Annotated[list[text_field(200)], Field(max_length=100)] | None = None
