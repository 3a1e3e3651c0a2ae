"""GIVEN a basket with a quantity-2 line, a promotion and a coupon WHEN the shopper looks at
the shopping screen THEN the rows on the screen add up to the total shown: each discount
has its own row, a quantity line shows its unit price, and the per-rate tax figures are
the sale's own (read from the widget tree, compared with the checkout's totals).

Before: a coupon lowered the total by ¥100 with no row for it (the lines added up to
¥2,828 against ¥2,728) and the tax figures were not shown at all.
"""

from __future__ import annotations

import re

import pytest

from kiosk.domain.money import format_yen
from tests.ui.shopper_config import COUPON, ONIGIRI, TOILET_PAPER, shop_config

TEA = "4901234000148"  # 緑茶 500ml ¥138

pytestmark = pytest.mark.ui

YEN = re.compile(r"[−-]?[￥¥][\d,]+")


def yen_value(text: str) -> int:
    """The one amount in ``text`` as an int ("−￥100" → -100)."""
    found = YEN.findall(text)
    assert len(found) == 1, text
    amount = found[0]
    sign = -1 if amount[0] in "−-" else 1
    return sign * int(re.sub(r"[^\d]", "", amount))


def shown_rows(kiosk) -> list:
    """The basket rows on the screen, top to bottom (the RecycleView's visible views)."""
    layout = kiosk.screen("shopping").ids.basket.children[0]
    rows = [w for w in layout.children if w.get_root_window() is not None]
    return sorted(rows, key=lambda w: -w.y)


def texts(widget) -> list[str]:
    return [
        w.text for w in widget.walk(restrict=True) if getattr(w, "text", "") and w is not widget
    ]


@pytest.fixture
def shop(kiosk_factory, tmp_path):
    return kiosk_factory(config_file=shop_config(tmp_path))


def fill_basket(kiosk) -> None:
    ctl = kiosk.ctl
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(ctl.rows) == 1, what="onigiri")
    kiosk.settle()
    plus = next(
        b for b in shown_rows(kiosk)[0].walk(restrict=True) if getattr(b, "text", "") == "+"
    )
    kiosk.tap(plus)  # quantity 2 by touch: the promotion (2 for ¥250) applies
    kiosk.wait(lambda: ctl.item_count == 2, what="quantity 2")
    kiosk.type_burst(TOILET_PAPER)
    kiosk.wait(lambda: ctl.item_count == 3, what="toilet paper")
    kiosk.type_burst(COUPON)
    kiosk.wait(lambda: len(ctl.adjust_rows) == 2, what="the coupon's discount row")
    kiosk.settle()


def test_rows_on_screen_add_up_to_the_total(shop) -> None:
    kiosk = shop
    fill_basket(kiosk)
    checkout = kiosk.runtime.checkout
    rows = shown_rows(kiosk)
    kinds = [type(r).__name__ for r in rows]
    assert kinds == ["BasketRow", "BasketRow", "AdjustmentRow", "AdjustmentRow"]

    onigiri = texts(rows[0])
    assert "@￥150 × 2" in onigiri  # the unit price a quantity line shows
    assert "￥300" in onigiri
    assert not any(t.startswith("@") for t in texts(rows[1]))  # quantity 1: no unit line

    # the discounts the shopper sees are the sale's own adjustments, one row each
    adjustments = {a.label("ja"): a.amount for a in checkout.basket.adjustments}
    shown_discounts = {}
    for row in rows[2:]:
        label, amount = texts(row)
        shown_discounts[label] = yen_value(amount)
    assert shown_discounts == adjustments
    assert set(adjustments.values()) == {-50, -100}

    # every amount shown in the list adds up to the total shown
    amounts = [yen_value(t) for row in rows for t in texts(row) if YEN.fullmatch(t.strip())]
    total_shown = yen_value(kiosk.widget("total", "shopping").text)
    assert total_shown == checkout.totals.total == 300 + 498 - 50 - 100
    assert sum(amounts) == total_shown

    # per-rate figures: the checkout's own (tax rounded once per rate, after discounts)
    tax_lines = kiosk.widget("tax", "shopping").text.splitlines()
    assert len(tax_lines) == 2
    by_rate = {r.rate_percent: r for r in checkout.totals.rates}
    for line in tax_lines:
        rate = 8 if line.startswith("※") else 10
        assert f"{rate}%対象" in line and "内消費税" in line
        gross, tax = YEN.findall(line)
        assert gross == format_yen(by_rate[rate].gross, "ja")
        assert tax == format_yen(by_rate[rate].tax_amount, "ja")
    assert sum(r.gross for r in by_rate.values()) == total_shown


def test_a_line_scanned_under_discounts_goes_above_them(shop) -> None:
    """The list's data is changed in place (an insert above the discount rows)."""
    kiosk = shop
    fill_basket(kiosk)
    data = kiosk.screen("shopping").ids.basket.data
    kiosk.type_burst(TEA)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 3, what="the tea line")
    kiosk.settle()
    assert kiosk.screen("shopping").ids.basket.data is data  # not replaced
    kinds = [type(r).__name__ for r in shown_rows(kiosk)]
    assert kinds == ["BasketRow"] * 3 + ["AdjustmentRow"] * 2
    assert [d["line_id"] for d in data] == [
        *(r["line_id"] for r in kiosk.ctl.rows),
        *(r["line_id"] for r in kiosk.ctl.adjust_rows),
    ]
    amounts = [
        yen_value(t) for row in shown_rows(kiosk) for t in texts(row) if YEN.fullmatch(t.strip())
    ]
    assert sum(amounts) == kiosk.runtime.checkout.totals.total


def test_removing_the_discounted_line_removes_its_promotion_row(shop) -> None:
    kiosk = shop
    fill_basket(kiosk)
    minus = next(
        b for b in shown_rows(kiosk)[0].walk(restrict=True) if getattr(b, "text", "") == "−"
    )
    kiosk.tap(minus)  # back to one onigiri: the 2-for-¥250 promotion no longer applies
    kiosk.wait(lambda: len(kiosk.ctl.adjust_rows) == 1, what="the promotion row gone")
    kiosk.settle()
    rows = shown_rows(kiosk)
    assert [type(r).__name__ for r in rows] == ["BasketRow", "BasketRow", "AdjustmentRow"]
    assert not any(t.startswith("@") for t in texts(rows[0]))
    amounts = [yen_value(t) for row in rows for t in texts(row) if YEN.fullmatch(t.strip())]
    assert sum(amounts) == kiosk.runtime.checkout.totals.total == 150 + 498 - 100
