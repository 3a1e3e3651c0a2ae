"""GIVEN ``[plugins.tax_free]`` in kiosk.toml WHEN the kiosk reads it THEN a misspelt key or a
value of the wrong type stops it with one line naming the file, the table and the key —
the table is declared to the kiosk (``kiosk_plugin_settings``), like every other plugin's."""

from __future__ import annotations

from plugins.tax_free.settings import TaxFreeSettings, TaxFreeSettingsTable
from tests.plugin_tables import refusal, site_with_table


def test_a_misspelt_tax_free_key_stops_the_kiosk_naming_it(tmp_path):
    path = site_with_table(tmp_path, "tax_free", 'enabled = true\nstore_cod = "TF-0001"\n')
    assert refusal(path, tmp_path).startswith(
        f"{path}: [plugins.tax_free.store_cod] unknown key (known:"
    )


def test_a_tax_free_value_of_the_wrong_type_is_named(tmp_path):
    body = 'enabled = true\nstore_code = "TF-1"\nexport_days = "ninety"\n'
    path = site_with_table(tmp_path, "tax_free", body)
    assert "[plugins.tax_free.export_days]" in refusal(path, tmp_path)


def test_every_key_the_plugin_reads_is_declared(tmp_path):
    """The documented table (settings.py's docstring) passes, the Chinese refund sentence in
    either spelling, and reads the same as before."""
    table = {
        "enabled": True,
        "store_code": "TF-0001234",
        "key_file": str(tmp_path / "tax_free.key"),
        "minimum_purchase_excl_tax": 5000,
        "high_value_excl_tax": 1000000,
        "export_days": 90,
        "excluded_departments": ["food"],
        "fiscal_year_end_month": 3,
        "refund_how_en": "At the counter.",
        "refund_how_ja": "カウンターで。",
        "refund_how_zh-Hans": "在柜台。",
        "refund_how_ko": "카운터에서.",
        "transmit_url": "https://nta-gateway.example.jp",
        "transmit_token": "t",
        "transmit_timeout_s": 10,
        "transmit_interval_s": 60,
        "confirmation_interval_s": 900,
        "confirmation_grace_days": 7,
        "store_wide_totals": True,
        "store_wide_timeout_s": 2,
    }
    TaxFreeSettingsTable.model_validate(table)
    TaxFreeSettingsTable.model_validate({"refund_how_zh_Hans": "在柜台。", "create_key": False})
    settings = TaxFreeSettings.from_settings(table, tmp_path)
    assert settings.refund_how.pick("zh-Hans") == "在柜台。"
    assert settings.excluded_departments == frozenset({"food"})
