"""GIVEN a store time zone in kiosk.toml WHEN a sale is made THEN its receipt time is the
store's wall clock, not the machine's; a misspelt zone is a configuration error."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.domain.scan import Scan


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
def test_receipt_time_is_the_stores_wall_clock(make_runtime, zone):
    runtime = make_runtime(time_zone=zone)
    runtime.handle_scan(Scan("4901234000018"))
    runtime.checkout.begin_payment()
    runtime.method("cash").drawer.insert(150)
    sale = runtime.pay("cash")
    expected = datetime.now(ZoneInfo(zone)).replace(tzinfo=None)
    assert abs(sale.completed_at - expected) < timedelta(minutes=2)
    assert f"{expected:%Y-%m-%d}" in "\n".join(runtime.receipt_lines(sale)) or (
        f"{expected:%Y年%m月%d日}" in "\n".join(runtime.receipt_lines(sale))
    )


def test_the_default_store_zone_is_tokyo():
    assert load_config(None).time_zone == "Asia/Tokyo"


def test_a_misspelt_time_zone_names_file_section_and_key(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(
        '[kiosk]\nid = "K01"\nhardware_profile = "simulated"\n[store]\nname = "x"\nregistration_number = "T5835678256246"\n'
        'time_zone = "Asia/Tokio"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"kiosk.toml: \[store.time_zone\] unknown time zone"):
        load_config(config)
