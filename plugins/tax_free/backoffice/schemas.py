"""What the back office's door checks in a ``tax_free_record`` outbox event (types and
bounds), registered with the event handler (``EventHandler.schema``); the handler
(:mod:`plugins.tax_free.backoffice.ledger`) checks the meaning."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from kiosk.backoffice.plugin_api import YEN_MAX, AllowExtra, TimeText, text_field


class TaxFreeSummary(AllowExtra):
    """Outbox kind ``tax_free_record``: a purchase record's summary (no passport data)."""

    v: Annotated[StrictInt, Field(ge=0, le=1000)] | None = None
    record_id: text_field(64) | None = None
    sale_id: text_field(64) | None = None
    store_code: text_field(64) | None = None
    kiosk_id: text_field(32) | None = None
    status: text_field(32) | None = None
    reason: text_field(300) | None = None
    sale_date: TimeText | None = None
    sold_at: TimeText | None = None
    key_id: text_field(32) | None = None
    buyer_key: text_field(128) | None = None
    buyer: text_field(100) | None = None
    passport: text_field(32) | None = None
    net_total: Annotated[StrictInt, Field(ge=0, le=YEN_MAX)] | None = None
    refund_amount: Annotated[StrictInt, Field(ge=0, le=YEN_MAX)] | None = None
    export_deadline: TimeText | None = None
    nta_receipt: text_field(64) | None = None
    refunded_at: TimeText | None = None
    refund_channel: text_field(32) | None = None
    updated_at: TimeText | None = None
