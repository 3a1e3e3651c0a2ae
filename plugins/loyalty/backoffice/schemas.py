"""What the back office's door checks in loyalty's outbox events (types and bounds),
registered with their event handlers (``EventHandler.schema``,
:mod:`plugins.loyalty.layout`); the handlers (:mod:`plugins.loyalty.backoffice.loyalty_sync`)
check the meaning (a known ``op`` or entry kind, a member id that fits) and record what
they cannot use as a problem for staff.

Unknown fields are refused: points entries and members are passed on to the store's other
kiosks, so nothing a kiosk made up travels with them. The coupon events' schemas:
:mod:`plugins.loyalty.backoffice.coupon_schemas`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from kiosk.backoffice.plugin_api import YEN_MAX, ForbidExtra, TimeText, Yen, text_field

#: a points amount: an integer within the yen bounds (one point is worth one yen)
Points = Annotated[StrictInt, Field(ge=-YEN_MAX, le=YEN_MAX)]


class LoyaltySale(ForbidExtra):
    """Outbox kind ``loyalty``: what one member sale earned and spent (kept as received)."""

    sale_id: text_field(36, 1)
    member_id: text_field(64) | None = None
    earned: Points = 0
    base_yen: Yen = 0
    multiplier: Annotated[StrictInt, Field(ge=0, le=1000)] = 1
    bonus_points: Points = 0
    campaigns: Annotated[list[text_field(120)], Field(max_length=100)] = Field(default_factory=list)
    redeemed_tender: Points = 0
    redeemed_discount: Points = 0


class PointsEntry(ForbidExtra):
    """Outbox kind ``loyalty_points``: one ledger entry (passed on to the store's kiosks)."""

    entry_id: text_field(64) | None = None
    member_id: text_field(64) | None = None
    kind: text_field(32) | None = None
    points: Points | None = None
    at: TimeText | None = None
    expires_at: TimeText | None = None
    sale_id: text_field(64) | None = None
    reference: text_field(200) | None = None
    kiosk_id: text_field(32) | None = None


class Consent(ForbidExtra):
    """A member's consent as it travels with a :class:`MemberChange`."""

    version: text_field(64) | None = None
    language: text_field(16) | None = None
    text_sha256: text_field(128) | None = None
    agreed_at: TimeText | None = None
    kiosk_id: text_field(64) | None = None


class MemberChange(ForbidExtra):
    """Outbox kind ``loyalty_member``: a sealed upsert, a deletion or a scrubbed upsert."""

    op: text_field(16, 1)
    member_id: text_field(64, 1)
    kiosk_id: text_field(32) | None = None
    created_at: TimeText | None = None
    deleted_at: TimeText | None = None
    sealed: text_field(16_384) | None = None  # base64 AES-GCM of name, phone, e-mail
    phone_index: text_field(128) | None = None
    card_index: text_field(128) | None = None
    consent: Consent | None = None
