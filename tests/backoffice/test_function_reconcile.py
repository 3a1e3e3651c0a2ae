"""A month of mixed sales reconciles to the yen in every report.

GIVEN 30 days of sales with basket coupons, line promotions, points and split tenders,
      tax-exclusive items, voided lines, training sales, and returns (same day and later)
WHEN they reach the back office through the sync API
THEN per day: departments + discounts + tax added = takings = tenders = the day report's
     total = its tax-rate gross; the month report is the sum of the days; the P&L's revenue
     is the departments'; the discounts are exactly those given; every return is listed.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from kiosk.backoffice.reports.service import day_report, month_report, profit_and_loss
from kiosk.backoffice.sales.reconcile import reconcile
from kiosk.domain.basket import Adjustment, AdjustmentKind, Basket
from kiosk.domain.product import TaxCategory
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.messages import store_text
from tests.backoffice.helpers import post
from tests.factories import product
from tests.returns.sales import BENTO, DETERGENT, TEA

START = datetime(2026, 10, 1, 10, 0)
PEN = product(41, 999, TaxCategory.STANDARD, inclusive=False, department="stationery")  # 外税


class Month:
    def __init__(self) -> None:
        self.seq = 0
        self.events: list[dict] = []
        self.discounts = 0
        self.added_tax = 0
        self.returns = 0

    def send(self, kind: str, payload: dict) -> None:
        self.seq += 1
        self.events.append(
            {"seq": self.seq, "event_id": str(uuid.uuid4()), "kind": kind, "payload": payload}
        )

    def sale(self, at: datetime, basket: Basket, tenders, training=False) -> dict:
        totals = compute_totals(basket.lines, basket.adjustments)
        split, rest = [], totals.total
        for method, amount in tenders:
            amount = rest if amount is None else amount
            split.append(Tender(str(uuid.uuid4()), method, method, method, amount))
            rest -= amount
        sale = Sale(
            sale_id=str(uuid.uuid4()),
            kiosk_id="K01",
            receipt_no=self.seq + 1,
            started_at=at,
            completed_at=at,
            lines=tuple(basket.lines),
            adjustments=tuple(basket.adjustments),
            totals=totals,
            tenders=tuple(split),
            training=training,
        )
        document = sale.to_document()
        self.send("sale", document)
        if not training:
            self.discounts += sum(a.amount for a in basket.adjustments)
            self.added_tax += (
                totals.total
                - sum(line.amount for line in basket.active_lines)
                - sum(a.amount for a in basket.adjustments)
            )
        return document

    def give_back(self, at: datetime, sale: dict, chosen: dict) -> None:
        plan = plan_return(
            sale, chosen, return_id=str(uuid.uuid4()), reason="other", staff_id="S001"
        )
        refunds = [
            {
                "payment_id": str(uuid.uuid4()),
                "original_payment_id": t.payment_id,
                "method": t.method,
                "amount": t.amount,
            }
            for t in plan.tenders
        ]
        self.send(
            "return",
            plan.to_document(
                kiosk_id="K01", return_no=self.returns + 1, completed_at=at, refunds=refunds
            ),
        )
        self.returns += 1


def _month() -> Month:
    month = Month()
    earlier = None
    for n in range(30):
        day = START + timedelta(days=n)
        coupon = Basket()
        coupon.add(TEA, 2)
        coupon.add(BENTO)
        coupon.add(DETERGENT)
        coupon.adjustments = [
            Adjustment(
                "c70", AdjustmentKind.COUPON, -70, store_text(ja="70円引クーポン", en="70 off")
            )
        ]
        a = month.sale(day, coupon, [("card", None)])
        promo = Basket()
        line = promo.add(BENTO, 2)
        promo.add(DETERGENT)
        promo.adjustments = [
            Adjustment(
                "p",
                AdjustmentKind.PROMOTION,
                -108,
                store_text(ja="2個で108円引", en="2 for less"),
                (line.line_id,),
            )
        ]
        month.sale(day + timedelta(hours=1), promo, [("points", 200 + n), ("cash", None)])
        exclusive = Basket()
        exclusive.add(PEN, 1 + n % 3)
        exclusive.add(TEA)
        month.sale(day + timedelta(hours=2), exclusive, [("emoney", None)])
        voided = Basket()
        voided.add(TEA)
        voided.add(DETERGENT)
        voided.void_line(2, "removed by shopper")
        month.sale(day + timedelta(hours=3), voided, [("qr", None)])
        month.sale(day + timedelta(hours=4), voided, [("cash", None)], training=True)
        month.give_back(day + timedelta(hours=5), a, {3: 1})  # same day: the detergent
        if earlier is not None and n % 3 == 0:
            month.give_back(day + timedelta(hours=6), earlier, {1: 2, 2: 1})  # a later day
        earlier = a
    return month


def test_function_a_month_of_mixed_sales_reconciles(client, bo_db, kiosk_token):
    month = _month()
    for start in range(0, len(month.events), 100):
        answer = post(client, kiosk_token, month.events[start : start + 100]).json()
        assert answer["expected_seq"] is None
    discounts = added = returns = takings = departments = 0
    with bo_db.reading() as session:
        for n in range(30):
            day = (START + timedelta(days=n)).date()
            (entry,) = reconcile(session, day)
            report = day_report(session, day)
            assert entry.balanced, entry.to_json()
            assert (
                entry.department_total + entry.discount_total + entry.tax_added_and_rounding
                == entry.takings
                == entry.tender_total
                == report.total
                == sum(amount for _, _, amount in report.by_payment)
                == sum(gross for _, gross, _ in report.by_tax)
            )
            assert sum(amount for _, _, amount in report.by_department) == entry.department_total
            for r in entry.returns:  # each return: its refund by tender and by department
                assert sum(r["tenders"].values()) == sum(r["departments"].values()) == r["refund"]
            discounts += entry.discount_total
            added += entry.tax_added_and_rounding
            returns += len(entry.returns)
            takings += entry.takings
            departments += entry.department_total
        assert month_report(session, 2026, 10).total == takings
        last = (START + timedelta(days=29)).date()
        pl = profit_and_loss(session, START.date(), last)
        assert sum(row.revenue for row in pl) == departments
    assert discounts == month.discounts < 0 and added == month.added_tax > 0
    assert returns == month.returns
