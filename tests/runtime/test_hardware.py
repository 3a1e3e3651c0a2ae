"""The runtime on the simulated hardware profile: real device objects, simulators behind them."""

import threading
from pathlib import Path

import httpx

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan


def test_simulated_profile_opens_devices_and_cash_uses_its_changer(make_runtime):
    runtime = make_runtime(hardware=True)
    assert runtime.devices.printer is not None and runtime.devices.changer is not None
    cash = runtime.method("cash")
    assert cash.changer is runtime.devices.changer
    runtime.handle_scan(Scan("4901234000018"))
    runtime.checkout.begin_payment()
    # the shopper feeds a ¥1,000 note into the simulated changer (over its pty protocol)
    machine = runtime.devices.changer.driver.sim
    inserting = threading.Timer(0.5, machine.insert, args=(1000,))
    inserting.start()
    sale = runtime.pay("cash")
    inserting.join()
    assert sale is not None and sale.total == 150 and sale.change == 850
    assert sale.tenders[0].tendered == 1000
    runtime.devices.printer.print_receipt(runtime.receipt_lines(sale))


def test_a_device_fault_during_a_sale_calls_staff(make_runtime):
    runtime = make_runtime(hardware=True)
    runtime.handle_scan(Scan("4901234000018"))
    runtime.report_device_status("printer", "paper_out", fault=True)
    assert runtime.checkout.state is CheckoutState.NEEDS_ATTENDANT


def test_the_hardware_scanner_is_a_scan_source(make_runtime):
    runtime = make_runtime(hardware=True)
    sources = runtime.start_scan_sources(runtime.handle_scan)
    assert any(source.name for source in sources)


def test_device_panel_is_served_when_configured(tmp_path):
    """GIVEN open_hardware and a panel port in kiosk.toml WHEN the kiosk starts
    THEN the developer panel answers on loopback with the profile's devices."""
    default = Path(__file__).resolve().parents[2] / "kiosk" / "default_config.toml"
    text = default.read_text(encoding="utf-8")
    text = text.replace("open_hardware = false", "open_hardware = true")
    text = text.replace("# device_panel_port = 8870", "device_panel_port = 0")
    config = tmp_path / "kiosk.toml"
    config.write_text(text, encoding="utf-8")
    runtime = build_runtime(load_config(config, data_dir=tmp_path / "k"))
    try:
        body = httpx.get(runtime.device_panel_url + "api/devices", timeout=10).json()
        assert {d["role"] for d in body["devices"]} >= {"printer", "changer", "main_scanner"}
    finally:
        runtime.shutdown()
