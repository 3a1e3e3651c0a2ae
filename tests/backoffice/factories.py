"""Sales, kiosks, staff and a fake clock for the back-office and sync tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain.basket import Basket
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from tests.factories import BEER, ONIGIRI, SOAP, TEA

PRODUCTS = (ONIGIRI, TEA, BEER, SOAP)
METHODS = ("cash", "credit", "paypay")
DAY = datetime(2026, 11, 20, 9, 0, 0)


class FakeClock:
    """An injected clock: ``sleep`` moves time on instead of waiting."""

    def __init__(self, start: datetime = DAY) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += timedelta(seconds=seconds)

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def make_sale(
    n: int,
    at: datetime,
    *,
    kiosk_id: str = "K01",
    method: str | None = None,
    member_id: str | None = None,
) -> Sale:
    basket = Basket()
    basket.add(PRODUCTS[n % len(PRODUCTS)], 1 + n % 3)
    if n % 2:
        basket.add(SOAP)
    totals = compute_totals(basket.lines)
    method = method or METHODS[n % len(METHODS)]
    return Sale(
        sale_id=f"00000000-0000-4000-8000-{kiosk_id[-2:]}{n:010d}",
        kiosk_id=kiosk_id,
        receipt_no=n,
        started_at=at,
        completed_at=at,
        lines=tuple(basket.lines),
        adjustments=(),
        totals=totals,
        tenders=(Tender(f"pay-{kiosk_id}-{n}", method, method, method, totals.total),),
        member_id=member_id,
    )
