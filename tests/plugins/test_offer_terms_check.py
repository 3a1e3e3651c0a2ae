"""Coupon definitions and promotion rules in kiosk.toml are checked key by key before the
kiosk sells: a misspelt key stops it (``kiosk run --check`` too) with one line naming the
file, the definition or rule and the key. Before, ``amount_of`` was ignored (the coupons
plugin then failed at start-up), ``min_spnd`` put a coupon on sale without its minimum
spend and ``valid_too`` made a promotion that never ended."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.plugin_tables import refusal, site_with_table, start

COUPONS = """
[plugins.coupons.definitions.C100]
label_ja = "100円引きクーポン"
label_zh-Hans = "减100日元优惠券"
amount_off = 100
min_spend = 1000
valid_to = 2026-12-31
"""

PROMOTIONS = """
[plugins.promotions.rules.onigiri2]
type = "mix_match"
skus = ["SKU0001"]
quantity = 2
price = 250
label_ja = "おにぎり2個で250円"
label_zh-Hans = "饭团2个250日元"
valid_to = 2026-12-31

[plugins.promotions.rules.evening]
type = "time_sale"
department = "deli"
percent_off = 20
start = "17:00"
end = "20:00"
weekdays = [0, 1, 2, 3, 4]
"""

TABLES = {"coupons": COUPONS, "promotions": PROMOTIONS}
C100, ONIGIRI2 = r"\[plugins.coupons.definitions.C100", r"\[plugins.promotions.rules.onigiri2"

#: (plugin, text changed → to, what the kiosk says)
WRONG = [
    ("coupons", "amount_off = 100", "amount_of = 100", C100 + r".amount_of\] unknown key"),
    ("coupons", "min_spend", "min_spnd", C100 + r".min_spnd\] unknown key"),
    (
        "coupons",
        "amount_off = 100",
        'scope = "item"\namount_off = 100',
        C100 + r"\] an item .* sku",
    ),
    ("coupons", "amount_off = 100", "percent_off = 120", C100 + r"\] give amount_off or percent"),
    ("coupons", "min_spend = 1000", 'min_spend = "1000"', C100 + r".min_spend\] .*integer"),
    ("promotions", "valid_to", "valid_too", ONIGIRI2 + r".valid_too\] unknown key"),
    ("promotions", "quantity = 2", "quantitty = 2", ONIGIRI2 + r".quantitty\] unknown key"),
    ("promotions", "quantity = 2", "quantity = 1", ONIGIRI2 + r"\] \(mix_match\): check its"),
    ("promotions", '"time_sale"', '"timesale"', r"rules.evening\] type must be one of"),
]


def kiosk_toml(tmp_path: Path, plugin: str, table: str) -> Path:
    """The built-in defaults with ``table`` (under its own ``[plugins.<plugin>.…]`` headers)."""
    return site_with_table(tmp_path, plugin, table)


@pytest.mark.parametrize("plugin", TABLES)
def test_well_keyed_terms_start_the_kiosk(tmp_path: Path, plugin: str):
    start(kiosk_toml(tmp_path, plugin, TABLES[plugin]), tmp_path).shutdown()


@pytest.mark.parametrize(("plugin", "old", "new", "said"), WRONG)
def test_a_wrong_key_or_term_is_one_line_naming_file_entry_and_key(
    tmp_path: Path, plugin: str, old: str, new: str, said: str
):
    table = TABLES[plugin].replace(old, new)
    message = refusal(kiosk_toml(tmp_path, plugin, table), tmp_path)
    assert re.search(said, message), message
    assert "\n" not in message and "kiosk.toml" in message
