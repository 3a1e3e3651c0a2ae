"""A coupon definition in kiosk.toml is checked key by key before the kiosk sells: a
misspelt key stops ``kiosk run --check`` with one line naming the file, the definition and
the key (``amount_of`` was ignored — the plugin then failed at start-up — and ``min_spnd``
silently put the coupon on sale without its minimum spend)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, check_plugin_settings, load_config
from plugins.coupons import Plugin

GOOD = """
[plugins.coupons.definitions.C100]
label_ja = "100円引きクーポン"
label_zh-Hans = "减100日元优惠券"
amount_off = 100
min_spend = 1000
valid_to = 2026-12-31
"""


def check(tmp_path: Path, table: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(table, encoding="utf-8")
    config = load_config(path, demo=True)
    check_plugin_settings(config, [Plugin().kiosk_plugin_settings()])


def test_a_well_keyed_definition_passes(tmp_path: Path):
    check(tmp_path, GOOD)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            ("amount_off = 100", "amount_of = 100"),
            r"\[plugins.coupons.definitions.C100.amount_of\] unknown key",
        ),
        (("min_spend", "min_spnd"), r"\[plugins.coupons.definitions.C100.min_spnd\] unknown key"),
        (
            ("amount_off = 100", 'scope = "item"\namount_off = 100'),
            r"\[plugins.coupons.definitions.C100\] an item coupon needs sku",
        ),
        (
            ("amount_off = 100", "percent_off = 120"),
            r"\[plugins.coupons.definitions.C100\] give amount_off or percent_off",
        ),
        (
            ("min_spend = 1000", 'min_spend = "1000"'),
            r"\[plugins.coupons.definitions.C100.min_spend\] .*integer",
        ),
    ],
)
def test_a_wrong_key_or_term_is_one_line_naming_file_definition_and_key(
    tmp_path: Path, change: tuple[str, str], said: str
):
    with pytest.raises(ConfigError, match=said) as info:
        check(tmp_path, GOOD.replace(*change))
    message = str(info.value)
    assert "\n" not in message and "kiosk.toml" in message
