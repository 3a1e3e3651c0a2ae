"""Promotions through the runtime: mix and match, buy X get Y, time sales, department
discounts, markdown labels, and the best combination for the shopper."""

from __future__ import annotations

from datetime import datetime

from stdnum import ean

from plugins.conftest import ONIGIRI, TEA, TISSUES, TOILET_PAPER, TUNA, scan

ONIGIRI_RULES = {"skus": ["SKU0001", "SKU0002"]}
MIX = {
    "mix": {
        "type": "mix_match",
        "quantity": 3,
        "price": 400,
        **ONIGIRI_RULES,
        "label_ja": "おにぎりよりどり3個400円",
        "label_en": "Any 3 rice balls 400",
    }
}
B2G1 = {
    "b2g1": {
        "type": "buy_get",
        "buy": 2,
        "get": 1,
        **ONIGIRI_RULES,
        "label_ja": "2個買うと1個無料",
        "label_en": "Buy 2 get 1 free",
    }
}
TIME = {
    "evening": {
        "type": "time_sale",
        "skus": ["SKU0014"],
        "start": "16:00",
        "end": "19:00",
        "amount_off": 30,
        "label_ja": "タイムセール",
        "label_en": "Time sale",
    }
}
DEPT = {
    "hh": {
        "type": "department",
        "department": "household",
        "percent_off": 10,
        "label_ja": "日用品10%引",
        "label_en": "Household 10% off",
    }
}


def _promos(runtime):
    return [
        (a.key, a.amount) for a in runtime.checkout.basket.adjustments if a.source == "promotions"
    ]


def test_mix_and_match_any_three_for_a_price(kiosk):
    runtime = kiosk(promotions={"rules": MIX})
    for code in (ONIGIRI, ONIGIRI, TUNA, ONIGIRI):
        scan(runtime, code)
    # the three dearest (150, 150, 150) make the set; the tuna one stays at 140
    assert _promos(runtime) == [("promo-mix-001", -50)]
    assert runtime.checkout.totals.total == 400 + 140


def test_buy_two_get_the_cheapest_free(kiosk):
    runtime = kiosk(promotions={"rules": B2G1})
    for code in (ONIGIRI, ONIGIRI, TUNA):
        scan(runtime, code)
    assert _promos(runtime) == [("promo-b2g1-001", -140)]


def test_the_best_combination_is_chosen_and_explained_on_the_receipt(kiosk):
    runtime = kiosk(promotions={"rules": {**MIX, **B2G1}})
    for code in (ONIGIRI, ONIGIRI, TUNA):
        scan(runtime, code)
    assert _promos(runtime) == [("promo-b2g1-001", -140)]  # 140 beats mix and match's 40
    sale = runtime.pay("cash")
    [section] = [s for s in runtime.receipt(sale).sections if s.title == "お買い得"]
    assert section.lines == ("2個買うと1個無料 3点 -￥140", "お値引き合計 ￥140")


def test_time_sale_follows_the_clock(kiosk, clock):
    runtime = kiosk(promotions={"rules": TIME})
    scan(runtime, TEA)
    assert _promos(runtime) == []  # noon
    clock.now = datetime(2026, 3, 2, 16, 30)
    scan(runtime, TEA)
    assert _promos(runtime) == [("promo-evening-001", -60)]
    clock.now = datetime(2026, 3, 2, 19, 0)
    scan(runtime, TEA)
    assert _promos(runtime) == []


def test_department_discount(kiosk):
    runtime = kiosk(promotions={"rules": DEPT})
    for code in (TOILET_PAPER, TISSUES, ONIGIRI):
        scan(runtime, code)
    assert sorted(a for _, a in _promos(runtime)) == [-49, -39]


def test_a_markdown_label_sells_the_item_at_its_regular_price_less_a_markdown(kiosk):
    runtime = kiosk()
    body = "26" + "00107" + "00150"  # cabbage (PLU 107, ¥198) reduced to ¥150
    outcome = scan(runtime, body + ean.calc_check_digit(body))
    assert outcome.claim.plugin == "promotions" and "150" in outcome.claim.text("en")
    [line] = runtime.checkout.basket.active_lines
    assert (line.product.plu, line.unit_price) == ("107", 198)
    [markdown] = runtime.checkout.basket.adjustments
    assert (markdown.kind.value, markdown.amount, markdown.label("ja")) == (
        "markdown",
        -48,
        "見切り キャベツ",
    )
    assert runtime.checkout.totals.total == 150
