"""Typed coupon errors: each carries a message for the shopper (ja/en) that says what to do."""

from __future__ import annotations


class CouponRejected(ValueError):
    """A coupon that cannot be used now; ``message_ja``/``message_en`` go on the screen."""

    reason = "rejected"

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en


class ForgedCoupon(CouponRejected):
    reason = "forged"


class ExpiredCoupon(CouponRejected):
    reason = "expired"


class CouponAlreadyUsed(CouponRejected):
    reason = "used"


class CouponNotApplicable(CouponRejected):
    reason = "not_applicable"


class CouponLimitReached(CouponRejected):
    reason = "limit"
