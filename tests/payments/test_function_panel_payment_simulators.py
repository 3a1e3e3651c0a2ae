"""The developer device panel drives the very simulators the e-money and QR plugins pay with.

GIVEN/WHEN/THEN in each docstring. The demo (simulated profile, devices open) puts the
pay_emoney reader and the pay_qr provider on the panel as roles ``emoney`` and ``qr``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.devices.panel import make_panel_app
from kiosk.domain.scan import Scan
from kiosk.payments import Outcome
from kiosk.runtime import KioskRuntime, PaymentFailed

ONIGIRI = "4901234000018"  # 150 yen
RICE_5KG = "4901234000193"  # 2,480 yen


def panel_for(runtime: KioskRuntime) -> TestClient:
    runtime.payment_methods()  # the plugins make their methods (and simulators) on first use
    return TestClient(make_panel_app(runtime.devices), base_url="http://127.0.0.1")


def test_panel_lists_the_plugins_simulators_with_their_controls(make_runtime):
    """GIVEN the demo with its devices open WHEN the panel lists the devices THEN the e-money
    reader and the QR wallet are there, simulated, with their controls."""
    panel = panel_for(make_runtime(hardware=True))
    devices = {d["role"]: d for d in panel.get("/api/devices").json()["devices"]}
    assert devices["emoney"]["device_class"] == "EMoneyReader"
    assert devices["emoney"]["simulated"] is True
    assert {a["name"] for a in devices["emoney"]["actions"]} == {
        "touch_card",
        "decline_next",
        "lose_touch_next",
    }
    assert {a["name"] for a in devices["qr"]["actions"]} == {"pay_shown_code", "decline_next"}
    assert "EMoneyReader" in panel.get("/").text


def test_a_card_touched_on_the_panel_pays_by_e_money(make_runtime):
    """GIVEN a card with ¥1,000 touched from the panel WHEN paying ¥150 by e-money THEN the
    sale is paid and the card keeps ¥850."""
    runtime = make_runtime(hardware=True)
    panel = panel_for(runtime)
    answer = panel.post("/api/devices/emoney/actions/touch_card", json={"balance": "1000"})
    assert answer.status_code == 200 and "¥1,000" in answer.json()["message"]
    runtime.handle_scan(Scan(ONIGIRI))
    sale = runtime.pay("emoney")
    assert sale is not None and sale.tenders[0].amount == 150
    reader = runtime.method("emoney").reader  # the very simulator the panel touched
    assert [txn.card.balance for txn in reader.log.values()] == [850]


def test_a_low_balance_card_pays_part_and_the_rest_stays_due(make_runtime):
    """GIVEN a card with ¥1,000 touched WHEN paying ¥2,480 by e-money THEN ¥1,000 is taken
    and ¥1,480 stays due for another method."""
    runtime = make_runtime(hardware=True)
    panel = panel_for(runtime)
    panel.post("/api/devices/emoney/actions/touch_card", json={"balance": "1000"})
    runtime.handle_scan(Scan(RICE_5KG))
    assert runtime.pay("emoney") is None
    assert runtime.amount_due == 1480
    sale = runtime.pay("card")
    assert sale is not None and [t.amount for t in sale.tenders] == [1000, 1480]


def test_a_decline_set_on_the_panel_refuses_the_next_card(make_runtime):
    """GIVEN "decline next" and a touched card WHEN paying by e-money THEN it is declined."""
    runtime = make_runtime(hardware=True)
    panel = panel_for(runtime)
    panel.post("/api/devices/emoney/actions/decline_next", json={})
    panel.post("/api/devices/emoney/actions/touch_card", json={"balance": "5000"})
    runtime.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed) as info:
        runtime.pay("emoney")
    assert info.value.result.outcome is Outcome.DECLINED


def test_the_panels_wallet_pays_the_code_on_the_screen(tmp_path: Path):
    """GIVEN pay_qr in mode "both" (a tile for the kiosk's own code) WHEN a merchant-presented
    payment waits and the panel's wallet pays the code shown THEN the sale is paid; with no
    code waiting the panel says so (409)."""
    site = tmp_path / "kiosk.toml"
    site.write_text(
        '[kiosk]\nopen_hardware = true\n[plugins.pay_qr]\nmode = "both"\n', encoding="utf-8"
    )
    config = load_config(site, demo=True, data_dir=tmp_path / "data", environ={})
    runtime = build_runtime(config)
    try:
        panel = panel_for(runtime)
        assert [m.id for m in runtime.payment_methods()][-2:] == ["qr", "qr_merchant"]
        refused = panel.post("/api/devices/qr/actions/pay_shown_code", json={})
        assert refused.status_code == 409
        runtime.handle_scan(Scan(ONIGIRI))
        paid: list = []
        payer = threading.Thread(target=lambda: paid.append(runtime.pay("qr_merchant")))
        payer.start()
        for _ in range(200):  # until the code is on the screen (the provider has it)
            answer = panel.post("/api/devices/qr/actions/pay_shown_code", json={})
            if answer.status_code == 200:
                break
            time.sleep(0.05)
        assert answer.status_code == 200 and "¥150" in answer.json()["message"]
        payer.join(30)
        assert paid and paid[0] is not None and paid[0].tenders[0].amount == 150
    finally:
        runtime.shutdown()


def test_the_panel_shows_the_text_of_the_last_receipt_printed(make_runtime):
    """GIVEN a sale paid WHEN its receipt is printed on the simulated printer THEN the
    panel's printer details carry the paper's text (store, total), no ESC/POS commands."""
    runtime = make_runtime(hardware=True)
    panel = panel_for(runtime)
    runtime.handle_scan(Scan(RICE_5KG))
    sale = runtime.pay("card")
    runtime.devices.printer.print_receipt(runtime.receipt_lines(sale))
    printer = next(d for d in panel.get("/api/devices").json()["devices"] if d["role"] == "printer")
    paper = printer["detail"]["last_paper"]
    assert "さくらマート" in paper and "2,480" in paper, paper
    assert "\x1b" not in paper and "\x1d" not in paper
