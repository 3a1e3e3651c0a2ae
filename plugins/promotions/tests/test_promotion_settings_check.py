"""A promotion rule in kiosk.toml is checked key by key before the kiosk sells: a misspelt
key stops ``kiosk run --check`` with one line naming the file, the rule and the key
(``valid_too`` was ignored, so the sale never ended)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, check_plugin_settings, load_config
from plugins.promotions import Plugin

GOOD = """
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


def check(tmp_path: Path, table: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(table, encoding="utf-8")
    config = load_config(path, demo=True)
    check_plugin_settings(config, [Plugin().kiosk_plugin_settings()])


def test_well_keyed_rules_pass(tmp_path: Path):
    check(tmp_path, GOOD)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("valid_to", "valid_too"), r"\[plugins.promotions.rules.onigiri2.valid_too\] unknown key"),
        (
            ("quantity = 2", "quantitty = 2"),
            r"\[plugins.promotions.rules.onigiri2.quantitty\] unknown key",
        ),
        (
            ("quantity = 2", "quantity = 1"),
            r"\[plugins.promotions.rules.onigiri2\] \(mix_match\): check its fields",
        ),
        (
            ('type = "time_sale"', 'type = "timesale"'),
            r"\[plugins.promotions.rules.evening\] type must be one of",
        ),
    ],
)
def test_a_wrong_key_or_term_is_one_line_naming_file_rule_and_key(
    tmp_path: Path, change: tuple[str, str], said: str
):
    with pytest.raises(ConfigError, match=said) as info:
        check(tmp_path, GOOD.replace(*change))
    message = str(info.value)
    assert "\n" not in message and "kiosk.toml" in message
