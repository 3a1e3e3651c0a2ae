"""KioskRuntime.issue_formal_receipt: a split-tender sale's 領収書 (the cash part decides the
stamp), then staff reprint it by receipt number (再発行); an unknown number is refused."""

from __future__ import annotations

import pytest

from kiosk.domain.scan import Scan
from kiosk.payments.method import Outcome
from kiosk.store.returns import SaleNotFound
from tests.runtime.test_sale_flow import RICE, _with_card

NOTE = "収入印紙はサービスカウンターで貼付します"


def test_split_tender_formal_receipt_then_reprint_by_number(make_runtime):
    runtime = make_runtime(training=False, revenue_stamp_note=NOTE)  # no 練習 marks
    _with_card(runtime, Outcome.APPROVED)
    for _ in range(25):  # 米 5kg ¥2,480 × 25 = ¥62,000
        runtime.handle_scan(Scan(RICE))
    assert runtime.pay("fakecard", 10_000) is None
    sale = runtime.pay("cash")  # ¥52,000 in cash: ≥ ¥50,000 with its tax → stamp due
    assert [(t.method, t.amount) for t in sale.tenders] == [("fakecard", 10_000), ("cash", 52_000)]

    issued = runtime.issue_formal_receipt(
        "山田商事", "事務用品代として", honorific="御中", sale=sale
    )
    assert issued.how == "saved" and not issued.reprint  # no printer: the data dir's file
    paper = (runtime.config.data_dir / "last-formal-receipt.txt").read_text(encoding="utf-8")
    assert "山田商事 御中" in paper and "但し 事務用品代として" in paper
    assert "￥62,000-" in paper and "うち現金 ￥52,000" in paper
    assert NOTE in paper and "再発行" not in paper

    again = runtime.issue_formal_receipt("", "", receipt_no=sale.receipt_no)
    assert again.reprint and again.receipt_no == sale.receipt_no
    lines = [line.strip() for line in again.lines if line.strip()]
    assert lines[0] == lines[-1] == "＊＊ 再発行 ＊＊"
    assert any(line.startswith("____") for line in again.lines)  # blank addressee: a line
    with pytest.raises(SaleNotFound, match="receipt number 999"):
        runtime.issue_formal_receipt("", "", receipt_no=999)


def test_choices_are_the_stores_provisos(make_runtime):
    runtime = make_runtime()
    choices = runtime.formal_receipt_choices()
    assert choices.provisos[0] == "お品代として" and choices.honorifics == ("様", "御中")
