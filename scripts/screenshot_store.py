"""The sample store the back-office screenshots show: what its kiosks sell and send.

Kiosks here are real local stores (:class:`Till`): a sale is committed with
``LocalStore.commit_sale`` and reaches the back office through the kiosk's outbox and its
relay (``OutboxRelay``), followed by the journal head (``AnchorReporter``). Kiosk 3 is the store's tax-free kiosk: its purchase
records are made by the tax-free plugin's recorder, sent to the NTA gateway by its
transmission queue, decided by customs confirmations and refunded through its refund
ledger, and each change reaches the back office's ledger as the plugin's outbox summary.

The products are the store's own, with realistic names (the test factories' 商品1… are for
tests, which assert on them).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from kiosk.domain.basket import Basket
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.returns import plan_return
from kiosk.domain.sale import Sale, Tender
from kiosk.domain.tax import compute_totals
from kiosk.store import LocalStore
from kiosk.store.models import OutboxRow
from kiosk.sync.anchor import AnchorReporter
from kiosk.sync.relay import CycleOutcome, OutboxRelay
from plugins.tax_free.crypto import PersonalDataCipher
from plugins.tax_free.layout import STORE_MIGRATIONS
from plugins.tax_free.ledger import RefundLedger
from plugins.tax_free.record import StoreInfo
from plugins.tax_free.recorder import Recorder
from plugins.tax_free.refunds import CounterCashRefund
from plugins.tax_free.settings import TaxFreeSettings
from plugins.tax_free.summary import OutboxSummaries
from plugins.tax_free.tests.factories import store_on, visitor
from plugins.tax_free.transmission import (
    CustomsConfirmation,
    HttpTransmitter,
    TransmissionQueue,
)
from tests.factories import gtin

R, S = TaxCategory.REDUCED, TaxCategory.STANDARD
METHOD_NAMES = {  # the kiosk's payment methods: id → (ja, en), as its tenders carry them
    "cash": ("現金", "Cash"),
    "card": ("クレジットカード", "Card"),
    "emoney": ("電子マネー", "E-money"),
    "qr": ("QRコード決済", "QR code"),
}


def item(n: int, name_ja: str, name_en: str, price: int, tax: TaxCategory, department: str,
         **kwargs: Any) -> Product:  # fmt: skip
    return Product(f"S{n:04d}", name_ja, name_en, price, tax, gtin=gtin(n, "4901234"),
                   department=department, **kwargs)  # fmt: skip


GROCERIES = (
    item(1, "おにぎり 鮭", "Salmon rice ball", 150, R, "food"),
    item(2, "緑茶 500ml", "Green tea 500 ml", 138, R, "food"),
    item(3, "牛乳 1L", "Milk 1 L", 238, R, "food"),
    item(4, "ビール 350ml", "Beer 350 ml", 228, S, "alcohol", age_restricted=True),
    item(5, "食パン 6枚切", "Sliced bread", 178, R, "food"),
    item(6, "バナナ", "Bananas", 198, R, "produce"),
    item(7, "食器用洗剤", "Dish soap", 198, S, "household"),
    item(8, "ボールペン", "Ballpoint pen", 120, S, "general"),
)
LOTION = item(11, "化粧水 200ml", "Face lotion 200 ml", 3_300, S, "household")
MATCHA = item(12, "抹茶 缶 40g", "Matcha, 40 g tin", 1_620, R, "food")
SAKE = item(13, "日本酒 720ml", "Sake 720 ml", 2_750, S, "alcohol", age_restricted=True)
WATCH = item(14, "腕時計", "Wristwatch", 1_210_000, S, "general")  # ¥1,000,000+: details


def groceries(n: int) -> list[tuple[Product, int]]:
    """Sale ``n``'s basket: one to three groceries, some twice."""
    first = GROCERIES[n % len(GROCERIES)]
    basket = [(first, 1 + n % 3)]
    if n % 2:
        basket.append((GROCERIES[(n * 3 + 1) % len(GROCERIES)], 1))
    return basket


def make_sale(kiosk_id: str, receipt_no: int, at: datetime,
              basket: Sequence[tuple[Product, int]], method: str, *,
              member_id: str | None = None, sale_id: str = "") -> Sale:  # fmt: skip
    """A sale of ``basket`` paid in full by ``method`` (the kiosk's payment method ids)."""
    lines = Basket()
    for product, quantity in basket:
        lines.add(product, quantity)
    totals = compute_totals(lines.lines)
    ja, en = METHOD_NAMES[method]
    return Sale(
        sale_id=sale_id or str(uuid.uuid4()), kiosk_id=kiosk_id, receipt_no=receipt_no,
        started_at=at - timedelta(minutes=2), completed_at=at, lines=tuple(lines.lines),
        adjustments=(), totals=totals, member_id=member_id,
        tenders=(Tender(f"pay-{kiosk_id}-{receipt_no}", method, ja, en, totals.total),),
    )  # fmt: skip


def return_document(sale: dict[str, Any], chosen: dict[int, int], kiosk_id: str, return_no: int,
                    at: datetime) -> dict[str, Any]:  # fmt: skip
    """The return of ``chosen`` (line id → units) of ``sale``, refunded to its tenders, as
    the kiosk's return screen outboxes it."""
    plan = plan_return(sale, chosen, return_id=str(uuid.uuid4()), reason="other",
                       staff_id="S001")  # fmt: skip
    refunds = [
        {"payment_id": f"ref-{kiosk_id}-{return_no}", "original_payment_id": t.payment_id,
         "method": t.method, "amount": t.amount}
        for t in plan.tenders
    ]  # fmt: skip
    return plan.to_document(kiosk_id=kiosk_id, return_no=return_no, completed_at=at,
                            refunds=refunds)  # fmt: skip


class Till:
    """One kiosk's local store, the tax-free tables attached, and what its relay sent."""

    def __init__(self, folder: Path, kiosk_id: str, clock: Callable[[], datetime]) -> None:
        self.kiosk_id = kiosk_id
        self.local = LocalStore(folder / f"{kiosk_id}.sqlite3", [STORE_MIGRATIONS])
        self.taxfree = store_on(self.local, PersonalDataCipher(os.urandom(32)), clock, kiosk_id)
        OutboxSummaries(self.taxfree)

    def sell(self, at: datetime, basket: Sequence[tuple[Product, int]], method: str,
             sale_id: str = "") -> Sale:  # fmt: skip
        """Commit a sale of ``basket`` paid in full by ``method``, as the kiosk does."""
        sale = make_sale(self.kiosk_id, self.local.next_receipt_no(), at, basket, method,
                         sale_id=sale_id)  # fmt: skip
        self.local.commit_sale(sale)
        return sale

    def outbox(self, kind: str, aggregate_id: str, payload: dict[str, Any], at: datetime,
               event_id: str = "") -> None:  # fmt: skip
        """An event a feature adds to the kiosk's outbox (a return, a receipt section)."""
        with self.local.transaction() as session:
            session.add(OutboxRow(event_id=event_id or str(uuid.uuid4()), kind=kind,
                                  aggregate_id=aggregate_id, payload=payload, created_at=at))  # fmt: skip

    def deliver(self, base: str, token: str) -> None:
        """What a kiosk's sync thread sends: the outbox in order through its relay (each
        batch names the kiosk's database), then its journal head, for the kiosks page's
        Database and Journal columns."""
        with httpx.Client(base_url=base, timeout=30) as client:
            result = OutboxRelay(self.local, client, token).run(100, stop_when_idle=True)
            if result.outcome is not CycleOutcome.IDLE or self.local.unsent_outbox(1):
                raise SystemExit(f"{self.kiosk_id}: the relay stopped: {result}")
            AnchorReporter(self.local, client, token).report()


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now


# who bought what tax-free, how many days ago, and what became of the record
TAX_FREE = (
    # (days ago, buyer, basket, what becomes of the record: refunded, confirmed by customs,
    # voided (customs saw one line fewer), rejected by the gateway, waiting for details or
    # for customs)
    (6, dict(surname="CHEN", given_names="WEI", nationality="CHN", issuing_country="CHN",
             passport_number="EA7281930"), [(LOTION, 2), (MATCHA, 3)], "refunded"),
    (5, dict(surname="SMITH", given_names="JANE"), [(SAKE, 2), (LOTION, 1)], "confirmed"),
    (4, dict(surname="KIM", given_names="MINJUN", nationality="KOR", issuing_country="KOR",
             passport_number="M12345678", sex="M"), [(LOTION, 1), (MATCHA, 2)], "voided"),
    (3, dict(surname="MUELLER", given_names="ANNA", nationality="DEU", issuing_country="DEU",
             passport_number="C01X00T47"), [(SAKE, 1), (LOTION, 1)], "rejected"),
    (3, dict(surname="GARCIA", given_names="MARIA", nationality="ESP", issuing_country="ESP",
             passport_number="PAB123456"), [(WATCH, 1)], "needs_details"),
    (0, dict(surname="NGUYEN", given_names="LAN", nationality="VNM", issuing_country="VNM",
             passport_number="B9876543"), [(MATCHA, 2), (LOTION, 1)], "pending"),
)  # fmt: skip


def gateway(rejected: set[str]) -> httpx.MockTransport:
    """The NTA gateway's answers: a receipt number for each record, a refusal for the
    records of the sales in ``rejected``, as :class:`HttpTransmitter` reads them."""

    def answer(request: httpx.Request) -> httpx.Response:
        sale_id = json.loads(request.content)["sale_id"]
        if sale_id in rejected:
            detail = "passport number does not match the landing record"
            return httpx.Response(422, json={"detail": detail})
        number = f"NTA-{uuid.uuid5(uuid.NAMESPACE_URL, sale_id).hex[:10].upper()}"
        return httpx.Response(200, json={"receipt_id": number})

    return httpx.MockTransport(answer)


def tax_free_sales(till: Till, clock: Clock, today: date, moments: list[datetime]) -> None:
    """Kiosk 3's tax-free purchases over the last week, through the plugin's own code: the
    buyer's passport read during the sale (a draft), the record made when the sale commits,
    sent, decided by customs and refunded. Today's purchases are at ``moments``."""
    settings = TaxFreeSettings(enabled=True, store_code="TF-0001")
    info = StoreInfo("TF-0001", "さくらマート", "T5835678256246", "東京都渋谷区神南1-2-3",
                     till.kiosk_id)  # fmt: skip
    recorder = Recorder(till.taxfree, settings, info)
    ledger = RefundLedger(till.taxfree)
    rejected: set[str] = set()
    url = "https://nta-gateway.example.jp"
    sender = HttpTransmitter(url, httpx.Client(base_url=url, transport=gateway(rejected)))
    queue = TransmissionQueue(till.taxfree, sender, clock)
    made: list[tuple[str, int, str]] = []  # record id, days ago, fate
    for n, (days_ago, buyer, basket, fate) in enumerate(TAX_FREE):
        day = datetime.combine(today - timedelta(days=days_ago), time(11, 0))
        clock.now = moments.pop(0) if days_ago == 0 else day + timedelta(minutes=97 * n)
        sale_id = str(uuid.uuid4())
        record_id = till.taxfree.save_draft(sale_id, visitor(**buyer), "TF-0001", till.kiosk_id)
        sale = till.sell(clock.now, basket, "card", sale_id=sale_id)
        recorder.complete(sale.to_document(), {})
        made.append((record_id, days_ago, fate))
        if fate == "rejected":
            rejected.add(sale_id)
        clock.now += timedelta(minutes=1)
        queue.run_once()
    sender.close()
    for n, (record_id, days_ago, fate) in enumerate(made, 1):
        if fate not in ("refunded", "confirmed", "voided"):
            continue
        stored = till.taxfree.get(record_id)
        assert stored is not None and stored.record is not None
        lines = tuple(i.line_no for i in stored.record.items)
        exported = today - timedelta(days=days_ago - 2)
        clock.now = datetime.combine(exported, time(18, 0))
        seen, unseen = (lines, ()) if fate != "voided" else (lines[:-1], lines[-1:])
        ledger.apply_confirmation(CustomsConfirmation(n, record_id, exported, seen, unseen))
        if fate == "refunded":
            clock.now = datetime.combine(exported, time(19, 0))
            ledger.refund(record_id, CounterCashRefund(), staff_id="S001")
