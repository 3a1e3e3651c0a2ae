"""GIVEN ``[plugins.loyalty]`` in kiosk.toml WHEN the kiosk reads it THEN a misspelt key (also
in a campaign) or a value of the wrong type stops it with one line naming the file, the table
and the key — the table is declared to the kiosk (``kiosk_plugin_settings``)."""

from __future__ import annotations

import re
import tomllib

from plugins.loyalty import loyalty_for
from plugins.loyalty.settings import LoyaltySettingsTable
from tests.plugin_tables import ROOT, refusal, site_with_table, start


def test_a_misspelt_loyalty_key_stops_the_kiosk_naming_it(tmp_path):
    path = site_with_table(tmp_path, "loyalty", "show_nme = true\n")
    message = refusal(path, tmp_path)
    assert message.startswith(f"{path}: [plugins.loyalty.show_nme] unknown key (known:")


def test_a_misspelt_campaign_key_is_named(tmp_path):
    body = "[plugins.loyalty.campaigns.gotobi]\nmonth_day = [5, 15, 25]\n"
    path = site_with_table(tmp_path, "loyalty", body)
    assert "[plugins.loyalty.campaigns.gotobi.month_day] unknown key" in refusal(path, tmp_path)


def test_a_loyalty_value_of_the_wrong_type_is_named(tmp_path):
    path = site_with_table(tmp_path, "loyalty", 'yen_per_point = "a hundred"\n')
    assert f"{path}: [plugins.loyalty.yen_per_point]" in refusal(path, tmp_path)


def test_the_documented_table_is_declared_and_the_kiosk_starts_with_it(tmp_path):
    """docs/loyalty.md's example (every key the plugin reads) passes, and the plugin uses it."""
    doc = (ROOT / "docs" / "loyalty.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[plugins\.loyalty\].*?)```", doc, re.S).group(1)
    block = block.replace("/etc/kiosk/loyalty.key", str(tmp_path / "loyalty.key"))
    table = tomllib.loads(block)["plugins"]["loyalty"]
    LoyaltySettingsTable.model_validate(
        table | {"purpose": {"ja": "目的", "zh-Hans": "目的"}, "purpose_version": 2}
    )
    runtime = start(site_with_table(tmp_path, "loyalty", block.split("\n", 1)[1]), tmp_path)
    try:
        service = loyalty_for(runtime)
        assert service.card_prefix == "MB"
        assert service.member_prices == {"SKU0002": 120}
        assert [c.campaign_id for c in service.policy.campaigns] == ["gotobi"]
    finally:
        runtime.shutdown()
