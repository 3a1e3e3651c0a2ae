"""Coupon terms (what a coupon gives and when) and the offer it makes on a basket.

Kinds, by ``scope``: ``basket`` (fixed yen or % off the whole basket), ``item`` (off the
lines of one SKU) and ``department`` (off one department's lines, e.g. 青果 10 %). Either
``amount_off`` or ``percent_off``. ``min_spend`` is checked against what the basket still
holds after promotions. ``stackable = false``: not on lines a promotion already discounted;
``combinable = false``: not together with another coupon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.domain.basket import AdjustmentKind, Basket
from kiosk.messages import N_, Localised, Message
from plugins.coupons.errors import CouponNotApplicable, ExpiredCoupon, coupon_message
from plugins.promotions.pricing import STAGE_BASKET_COUPON, STAGE_ITEM_COUPON, Offer

SCOPES = ("basket", "item", "department")


# fields of a coupon published in master data that are the back office's, not its terms
PUBLISHED_ONLY = ("members", "issued")
UNNAMED = N_("Coupon")  # a coupon the store gave no label_<lang>


REINSTATE_RULES = ("never", "whole_sale")  # CouponTerms.reinstate_on_return


@dataclass(frozen=True, slots=True)
class CouponTerms:
    definition_id: str
    label_ja: str
    label_en: str
    scope: str = "basket"
    amount_off: int = 0
    percent_off: int = 0
    sku: str | None = None
    department: str | None = None
    min_spend: int = 0
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive
    per_member: int = 0  # uses per member (0: no limit)
    global_limit: int = 0  # uses in the store for a shared barcode coupon (0: no limit)
    stackable: bool = True
    combinable: bool = True
    members_only: bool = False
    #: the name in every language the store keyed (label_ja, label_en, label_zh_Hans, label_ko)
    names: Localised | None = None
    #: after a return (返品): ``never`` the coupon stays used; ``whole_sale`` a single-use
    #: coupon is usable again once every item of the sale it was used on has come back
    reinstate_on_return: str = "never"

    @property
    def label(self) -> Localised | Message:
        """The store's name for it (store data, in the languages the store keyed: the
        shopper's, else Japanese); a coupon the store did not name is "Coupon", translated."""
        if self.names is not None:
            return self.names if self.names.texts else coupon_message(UNNAMED)
        return Localised.of(ja=self.label_ja, en=self.label_en)

    @classmethod
    def from_mapping(cls, definition_id: str, data: Mapping[str, Any]) -> CouponTerms:
        scope = data.get("scope", "basket")
        if scope not in SCOPES:
            raise ValueError(f"coupon {definition_id}: scope must be one of {', '.join(SCOPES)}")
        amount, percent = int(data.get("amount_off", 0)), int(data.get("percent_off", 0))
        if (amount > 0) == (percent > 0) or amount < 0 or not 0 <= percent <= 100:
            raise ValueError(f"coupon {definition_id}: give amount_off or percent_off (1–100)")
        if scope == "item" and not data.get("sku"):
            raise ValueError(f"coupon {definition_id}: an item coupon needs sku")
        if scope == "department" and not data.get("department"):
            raise ValueError(f"coupon {definition_id}: a department coupon needs department")
        reinstate = str(data.get("reinstate_on_return", "never"))
        if reinstate not in REINSTATE_RULES:
            raise ValueError(
                f"coupon {definition_id}: reinstate_on_return must be one of "
                f"{', '.join(REINSTATE_RULES)}"
            )

        def day(key: str) -> date | None:
            value = data.get(key)
            return date.fromisoformat(str(value)) if value else None

        return cls(
            definition_id=definition_id,
            label_ja=str(data.get("label_ja", "クーポン")),
            label_en=str(data.get("label_en", "Coupon")),
            names=Localised.from_keys(data, "label"),
            scope=scope,
            amount_off=amount,
            percent_off=percent,
            sku=data.get("sku"),
            department=data.get("department"),
            min_spend=int(data.get("min_spend", 0)),
            valid_from=day("valid_from"),
            valid_to=day("valid_to"),
            per_member=int(data.get("per_member", 0)),
            global_limit=int(data.get("global_limit", 0)),
            stackable=bool(data.get("stackable", True)),
            combinable=bool(data.get("combinable", True)),
            members_only=bool(data.get("members_only", False)),
            reinstate_on_return=reinstate,
        )

    def check_valid(self, today: date, expires: date | None = None) -> None:
        end = min(d for d in (self.valid_to, expires) if d) if (self.valid_to or expires) else None
        if end is not None and today > end:
            raise ExpiredCoupon(N_("This coupon expired on {date}."), date=f"{end:%Y-%m-%d}")
        if self.valid_from is not None and today < self.valid_from:
            raise CouponNotApplicable(
                N_("This coupon can be used from {date}."), date=f"{self.valid_from:%Y-%m-%d}"
            )


@dataclass(frozen=True, slots=True)
class HeldCoupon:
    """A coupon taken for the current sale (scanned, or attached to the member)."""

    coupon_id: str  # the serial of a QR coupon; definition id for a shared barcode coupon
    terms: CouponTerms
    single_use: bool
    expires: date | None = None
    origin: str = "scan"  # scan | member

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}{self.coupon_id}"


#: a coupon's adjustment key (and the line it settles under): ``coupon-<coupon id>``
KEY_PREFIX = "coupon-"


def is_signed_coupon_id(coupon_id: str) -> bool:
    """A signed QR coupon's id, ``<definition>:<serial>`` (single-use)."""
    return ":" in coupon_id


def definition_of(coupon_id: str) -> str:
    """The definition a coupon id names: ``<definition>:<serial>`` (signed QR),
    ``<definition>@<member>`` (attached to a member) or the definition itself (barcode)."""
    return coupon_id.split(":", 1)[0].split("@", 1)[0]


def coupons_used(sale: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The coupons a sale document used, ``(coupon id, definition id)``: its adjustments
    from this plugin (``source`` ``coupons``, ``key`` ``coupon-<coupon id>``), each once.
    What a kiosk knows of another kiosk's sale (a return made here of a sale made there)."""
    ids = {
        str(a["key"])[len(KEY_PREFIX) :]
        for a in sale.get("adjustments", [])
        if a.get("source") == "coupons" and str(a.get("key", "")).startswith(KEY_PREFIX)
    }
    return sorted((coupon_id, definition_of(coupon_id)) for coupon_id in ids)


def coupon_offer(held: HeldCoupon, basket: Basket) -> Offer | None:
    """The offer ``held`` makes on ``basket`` (``None`` if none of its lines are there)."""
    terms = held.terms
    if terms.scope == "basket":
        line_ids: tuple[int, ...] = ()
    else:
        line_ids = tuple(
            line.line_id
            for line in basket.active_lines
            if (terms.scope == "item" and line.product.sku == terms.sku)
            or (terms.scope == "department" and line.product.department == terms.department)
        )
        if not line_ids:
            return None
    return Offer(
        key=held.key,
        kind=AdjustmentKind.COUPON,
        stage=STAGE_BASKET_COUPON if terms.scope == "basket" else STAGE_ITEM_COUPON,
        amount_off=terms.amount_off,
        percent_off=terms.percent_off,
        line_ids=line_ids,
        min_spend=terms.min_spend,
        exclusive=not terms.stackable,
        source="coupons",
        message=Message.of("{text}", text=terms.label),
    )
