"""Promotions and coupons published in the back office's master data change what kiosks sell.

The back office refuses an entry a kiosk could not use; a kiosk that still gets one (an
older back office, a hand-made snapshot) skips that entry and keeps the rest.
"""

from __future__ import annotations

import pytest

from kiosk.backoffice.core.errors import InvalidInput
from kiosk.domain.scan import Scan
from kiosk.sync.masterdata import MasterDataApplier
from tests.factories import BEER, ONIGIRI, TEA, product
from tests.sync.test_function_masterdata import publish, snapshot

ANY_TWO = {
    "id": "ANY2",
    "type": "mix_match",
    "quantity": 2,
    "price": 250,
    "skus": [ONIGIRI.sku, TEA.sku],
    "label_ja": "よりどり2点250円",
}
BIRTHDAY = {
    "id": "BDAY",
    "scope": "basket",
    "amount_off": 100,
    "members_only": True,
    "label_ja": "誕生日100円引",
    "members": ["M0001"],
}


def adjustment_labels(runtime) -> list[str]:
    """The adjustments' Japanese labels without the count the receipt adds ("… 2点")."""
    return [a.label("ja").rsplit(" ", 1)[0] for a in runtime.checkout.basket.adjustments]


def test_function_published_rules_price_the_next_basket(
    client, bo_db, clock, kiosk_token, make_runtime
):
    runtime = make_runtime()
    version = publish(bo_db, clock, [ONIGIRI, TEA, BEER], promotions=[ANY_TWO], coupons=[BIRTHDAY])
    applier = MasterDataApplier(
        runtime.store, client, kiosk_token, on_applied=runtime.masterdata_applied
    )
    assert applier.check() == version

    runtime.handle_scan(Scan(ONIGIRI.gtin))
    runtime.handle_scan(Scan(TEA.gtin))
    assert runtime.checkout.totals.total == 250  # 150 + 138 → any two for 250
    assert "よりどり2点250円" in adjustment_labels(runtime)

    runtime.member_id = "M0001"  # the loyalty plugin sets this when the card is read
    runtime.checkout.refresh_adjustments()
    assert runtime.checkout.totals.total == 150
    assert "誕生日100円引" in adjustment_labels(runtime)


def test_function_a_new_version_replaces_the_rules_of_the_last(
    client, bo_db, clock, kiosk_token, make_runtime
):
    runtime = make_runtime()
    applier = MasterDataApplier(
        runtime.store, client, kiosk_token, on_applied=runtime.masterdata_applied
    )
    publish(bo_db, clock, [ONIGIRI, TEA], promotions=[ANY_TWO])
    applier.check()
    publish(bo_db, clock, [ONIGIRI, TEA], promotions=[])
    applier.check()
    runtime.handle_scan(Scan(ONIGIRI.gtin))
    runtime.handle_scan(Scan(TEA.gtin))
    assert runtime.checkout.totals.total == 288 and adjustment_labels(runtime) == []


@pytest.mark.parametrize(
    ("key", "entries", "problem"),
    [
        ("promotions", [{"type": "mix_match"}], 'needs an "id"'),
        ("promotions", [{"id": "X", "type": "two_for_one", "skus": ["1"]}], "type must be one of"),
        (
            "promotions",
            [{"id": "X", "type": "mix_match", "quantity": 1, "skus": ["1"]}],
            "check its fields",
        ),
        ("coupons", [{"id": "C", "scope": "basket"}], "give amount_off or percent_off"),
        ("coupons", {"id": "C"}, "a list of"),
    ],
)
def test_function_the_back_office_refuses_what_a_kiosk_could_not_use(
    bo_db, clock, key, entries, problem
):
    with pytest.raises(InvalidInput, match=problem):
        publish(bo_db, clock, [ONIGIRI], **{key: entries})


def test_function_a_coupon_entry_may_only_name_members_for_terms_the_kiosks_define(bo_db, clock):
    publish(
        bo_db, clock, [ONIGIRI], coupons=[{"id": "FLYER", "issued": 5000, "label_ja": "チラシ"}]
    )


def test_function_a_kiosk_skips_a_bad_published_rule_and_keeps_the_others(make_runtime):
    runtime = make_runtime()
    first, second = product(1, 101), product(2, 102)  # what snapshot(2) sells
    two_for_150 = ANY_TWO | {"skus": [first.sku, second.sku], "price": 150}
    data = snapshot(2) | {"promotions": [{"id": "BROKEN", "type": "mix_match"}, two_for_150]}
    MasterDataApplier(runtime.store, on_applied=runtime.masterdata_applied).apply(1, data)
    runtime.handle_scan(Scan(first.gtin))
    runtime.handle_scan(Scan(second.gtin))
    assert runtime.checkout.totals.total == 150 and adjustment_labels(runtime) == [
        "よりどり2点250円"
    ]
