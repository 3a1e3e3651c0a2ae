"""Typed coupon errors: each carries a message for the shopper that says what to do.

The message is a :class:`~kiosk.messages.Message` in this plugin's gettext domain
(``plugins/coupons/locale``); the screen translates it; ``str(exc)`` is the message in English, for logs.
"""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message

DOMAIN = "plugins.coupons"


def coupon_message(key: str, **params: Any) -> Message:
    return Message.of(key, DOMAIN, **params)


class CouponRejected(ValueError):
    """A coupon that cannot be used now; ``message`` goes on the screen."""

    reason = "rejected"

    def __init__(self, key: str, **params: Any) -> None:
        self.message = coupon_message(key, **params)
        super().__init__(self.message.render("en"))  # logs read English


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
