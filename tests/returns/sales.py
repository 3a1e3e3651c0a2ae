"""Sale documents for return tests, made the way the kiosk makes them (Basket → Sale)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.product import TaxCategory
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.messages import store_text
from tests.factories import product

SOLD_AT = datetime(2026, 12, 1, 10, 30)

TEA = product(21, 150, TaxCategory.REDUCED, department="drinks")  # お茶 ¥150 (8 %)
BENTO = product(22, 540, TaxCategory.REDUCED, department="deli")  # 弁当 ¥540 (8 %)
DETERGENT = product(23, 660, TaxCategory.STANDARD, department="household")  # 洗剤 ¥660 (10 %)
BEEF = product(24, 1980, TaxCategory.REDUCED, weighed=True, plu="301", department="meat")


def sale_document(
    basket: Basket,
    tenders: list[tuple[str, str, int]] | None = None,
    *,
    sale_id: str = "sale-1",
    receipt_no: int = 7,
    without_allocation: bool = False,
) -> dict[str, Any]:
    """The committed document of ``basket`` paid by ``tenders`` (payment id, method, yen)."""
    totals = compute_totals(basket.lines, basket.adjustments)
    tenders = tenders or [("pay-1", "card", totals.total)]
    sale = Sale(
        sale_id=sale_id,
        kiosk_id="K01",
        receipt_no=receipt_no,
        started_at=SOLD_AT,
        completed_at=SOLD_AT,
        lines=tuple(basket.lines),
        adjustments=tuple(basket.adjustments),
        totals=totals,
        tenders=tuple(Tender(p, m, m, m, amount) for p, m, amount in tenders),
    )
    document = sale.to_document()
    if without_allocation:  # a sale committed before documents kept the allocation
        del document["allocation"]
    return document


def mixed_basket_with_coupon() -> Basket:
    """お茶 ×2 (¥300, 8 %), 弁当 (¥540, 8 %), 洗剤 (¥660, 10 %) and a ¥70 basket coupon."""
    basket = Basket()
    basket.add(TEA, 2)
    basket.add(BENTO)
    basket.add(DETERGENT)
    basket.adjustments = [
        Adjustment(
            "coupon-70",
            AdjustmentKind.COUPON,
            -70,
            store_text(ja="70円引クーポン", en="¥70 off coupon"),
        )
    ]
    return basket
