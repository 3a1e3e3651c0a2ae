"""``[plugins.coupons]`` as the configuration check sees it: each definition's keys are
the ones :meth:`CouponTerms.from_mapping` reads, so a misspelt key (``amount_of``,
``min_spnd``) stops the kiosk with a line naming it instead of being ignored — a coupon
without its minimum spend, or one that gives nothing, would otherwise go on sale."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plugins.coupons.rules import CouponTerms
from plugins.promotions.settings import StoreTerms


class CouponDefinition(StoreTerms):
    """``[plugins.coupons.definitions.<id>]``: the terms of one coupon (docs/loyalty.md)."""

    scope: str | None = None
    amount_off: int | None = None
    percent_off: int | None = None
    sku: str | None = None
    department: str | None = None
    min_spend: int | None = None
    per_member: int | None = None
    global_limit: int | None = None
    stackable: bool | None = None
    combinable: bool | None = None
    members_only: bool | None = None
    reinstate_on_return: str | None = None

    @model_validator(mode="after")
    def terms_make_a_coupon(self) -> CouponDefinition:
        """The terms as the plugin will read them: an amount or a percent, an item coupon's
        sku… (the error is said under the definition's path: no id in the message)."""
        try:
            CouponTerms.from_mapping("", self.model_dump(by_alias=True, exclude_none=True))
        except ValueError as exc:
            raise ValueError(str(exc).split(": ", 1)[-1]) from None
        return self


class CouponsSettings(BaseModel):
    """``[plugins.coupons]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    hmac_key: str | None = None  # base64: signed coupon codes
    ed25519_public_key: str | None = None  # base64
    barcodes: dict[str, str] = Field(default_factory=dict)  # printed barcode → definition
    definitions: dict[str, CouponDefinition] = Field(default_factory=dict)
