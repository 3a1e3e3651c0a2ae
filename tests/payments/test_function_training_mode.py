"""Simulators only when asked; a simulator makes the kiosk a training kiosk (練習).

GIVEN/WHEN/THEN in each docstring. A store's file without a method's connection settings
refuses that method (a visible plugin problem) instead of selling through a simulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.devices.panel import make_panel_app
from kiosk.domain.scan import Scan
from kiosk.payments import Outcome
from kiosk.payments.errors import MethodUnavailable
from kiosk.runtime import KioskRuntime, PaymentFailed
from plugins.pay_card.simulator import CardTerminalSimulator

ONIGIRI = "4901234000018"  # 150 yen

SITE = """\
[kiosk]
id = "K05"
hardware_profile = "epson-tm-serial-changer"

[store]
name = "さくらマート 新宿店"
registration_number = "T5835678256246"

[plugins]
builtin = ["plugins.pay_card", "plugins.pay_qr", "plugins.pay_emoney"]
"""


@pytest.fixture
def terminal() -> Iterator[CardTerminalSimulator]:
    """A card terminal on the LAN, as far as the kiosk can tell (host and port given)."""
    sim = CardTerminalSimulator().start()
    yield sim
    sim.stop()


@pytest.fixture
def store_kiosk(tmp_path) -> Iterator:
    made: list[KioskRuntime] = []

    def make(extra: str) -> tuple[KioskRuntime, Path]:
        path = tmp_path / "kiosk.toml"
        path.write_text(SITE + extra, encoding="utf-8")
        runtime = build_runtime(load_config(path, data_dir=tmp_path / "data", environ={}))
        made.append(runtime)
        return runtime, path

    yield make
    for runtime in made:
        runtime.shutdown()


def test_missing_connection_settings_refuse_the_method_instead_of_simulating(store_kiosk, terminal):
    """GIVEN a store file with the card terminal's address but nothing for QR or e-money
    WHEN the kiosk starts
    THEN QR and e-money are refused with messages naming file, section and key, card sells
    for real, and nothing is training."""
    runtime, path = store_kiosk(
        f"\n[plugins.pay_card]\nhost = '127.0.0.1'\nport = {terminal.port}\n"
    )
    assert [m.id for m in runtime.payment_methods()] == ["card"]
    problems = [p.message for p in runtime.host.problems]
    assert any(f"{path}: [plugins.pay_qr.base_url] missing" in m for m in problems), problems
    assert any(f"{path}: [plugins.pay_emoney.reader] missing" in m for m in problems), problems
    assert not runtime.training
    runtime.handle_scan(Scan(ONIGIRI))
    sale = runtime.pay("card")
    assert not sale.training and "training" not in sale.to_document()
    assert terminal.charges  # the terminal on the "LAN" took it, not a plugin simulator
    assert not any("練習" in line for line in runtime.receipt_lines(sale))


def test_simulate_false_wins_over_the_simulated_profile(tmp_path):
    """GIVEN the simulated hardware profile but simulate = false for card
    THEN the card plugin refuses (no address) rather than simulating."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        SITE.replace("epson-tm-serial-changer", "simulated")
        + "\n[plugins.pay_card]\nsimulate = false\n",
        encoding="utf-8",
    )
    runtime = build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    try:
        assert "card" not in [m.id for m in runtime.payment_methods()]
        assert any("[plugins.pay_card.host] missing" in p.message for p in runtime.host.problems)
        assert runtime.training  # QR and e-money follow the simulated profile
    finally:
        runtime.shutdown()


def test_simulate_true_makes_a_training_sale_flagged_everywhere(store_kiosk):
    """GIVEN simulate = true for card
    WHEN a sale is paid by card
    THEN the kiosk is in training mode, the sale and its outbox event carry training, and the
    receipt says 練習 TRAINING at the top and the bottom."""
    runtime, _ = store_kiosk("\n[plugins.pay_card]\nsimulate = true\n")
    assert runtime.training
    runtime.handle_scan(Scan(ONIGIRI))
    sale = runtime.pay("card")
    assert sale.training
    event = next(row for row in runtime.store.unsent_outbox() if row.kind == "sale")
    assert event.payload["training"] is True
    lines = runtime.receipt_lines(sale)
    assert "練習 TRAINING" in lines[0] and "練習 TRAINING" in lines[-2]
    assert "NOT A SALE" in lines[-1]


def test_device_panel_decline_applies_to_the_card_plugin(make_runtime):
    """GIVEN the demo (simulated profile, devices open) and the developer device panel
    WHEN the panel scripts "decline next" on the payment terminal
    THEN the next card payment is declined, and the one after it approved."""
    runtime = make_runtime(hardware=True)
    panel = TestClient(make_panel_app(runtime.devices), base_url="http://127.0.0.1")
    assert panel.post("/api/devices/terminal/actions/decline_next", json={}).status_code == 200
    runtime.handle_scan(Scan(ONIGIRI))
    with pytest.raises(PaymentFailed) as info:
        runtime.pay("card")
    assert info.value.result.outcome is Outcome.DECLINED
    assert runtime.pay("card").training


def test_device_panel_dropped_terminal_refuses_card_payments(make_runtime):
    """GIVEN the panel dropped the terminal's connection THEN card is not offered (named as
    unavailable, the terminal not ready) and paying by card is refused before anything is
    sent: nothing charged, no payment row (the shopper can choose again)."""
    runtime = make_runtime(hardware=True)
    panel = TestClient(make_panel_app(runtime.devices), base_url="http://127.0.0.1")
    assert panel.post("/api/devices/terminal/actions/drop_connection", json={}).status_code == 200
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.method("card").link.forget()  # the plugin asked the terminal at start
    assert "card" not in {m.id for m in runtime.payment_methods()}
    assert "card" in {m.id for m in runtime.methods_unavailable()}
    assert "not ready" in runtime.payment_network_problems()["card"]
    with pytest.raises(MethodUnavailable, match="not ready"):
        runtime.pay("card")
    assert runtime.ledger.for_sale(runtime.sale_id) == []


def test_cash_without_a_changer_is_refused_naming_the_table(tmp_path, terminal):
    """GIVEN a store file whose kiosk has no open cash changer WHEN it starts THEN cash is
    off, and the problem names the file and [plugins.pay_cash]."""
    path = tmp_path / "kiosk.toml"
    path.write_text(
        SITE.replace("builtin = [", 'builtin = ["plugins.pay_cash", ')
        + f"\n[plugins.pay_card]\nhost = '127.0.0.1'\nport = {terminal.port}\n",
        encoding="utf-8",
    )
    runtime = build_runtime(load_config(path, data_dir=tmp_path / "d", environ={}))
    try:
        assert [m.id for m in runtime.payment_methods()] == ["card"]
        assert any(
            f"{path}: [plugins.pay_cash] no cash changer" in p.message
            for p in runtime.host.problems
        )
    finally:
        runtime.shutdown()
