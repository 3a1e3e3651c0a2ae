# big_basket_coupon.py — ¥100 off every basket of ¥1,000 or more
from kiosk.domain.basket import Adjustment, AdjustmentKind
from kiosk.hookspecs import hookimpl
from kiosk.messages import store_text


@hookimpl
def kiosk_adjust_basket(basket, context):
    if sum(line.amount for line in basket.active_lines) < 1000:
        return []
    return [
        Adjustment(
            "big-basket",
            AdjustmentKind.COUPON,
            -100,
            store_text(ja="まとめ買い値引", en="Big basket"),
        )
    ]
