"""Weighed produce through the runtime: the scale role's stable reading, priced by the domain."""

from pathlib import Path

import pytest

from kiosk.config import DEFAULT_CONFIG, ConfigError, load_config
from kiosk.domain.basket import weighed_amount
from kiosk.domain.events import AttendantNeeded, CheckoutState
from kiosk.runtime.weighing import WeighRefused

BANANAS = "101"  # demo catalogue: バナナ, ¥398 per kg, weighed


def sim_scale(runtime):
    return runtime.devices.scale.driver


def test_bananas_are_added_at_the_scales_stable_weight(make_runtime):
    """GIVEN the simulated scale shows 350 g WHEN bananas are added from the scale
    THEN one weighed line of 350 g at ¥398/kg = ¥139 (truncated), and the total follows."""
    runtime = make_runtime(hardware=True)
    sim_scale(runtime).set_weight(350)
    line = runtime.add_weighed_from_scale(BANANAS)
    assert (line.weight_g, line.unit_price, line.amount) == (350, 398, 139)
    assert line.amount == weighed_amount(398, 350) == 398 * 350 // 1000
    assert runtime.checkout.totals.total == 139


def test_fractions_of_a_gram_are_not_charged(make_runtime):
    runtime = make_runtime(hardware=True)
    sim_scale(runtime).set_weight("250.9")
    assert runtime.read_scale().grams == 250
    assert runtime.add_weighed_from_scale(BANANAS).weight_g == 250


@pytest.mark.parametrize(
    ("weigh", "reason"),
    [
        (lambda sim: sim.set_weight(400, stable=False), "unstable"),
        (lambda sim: sim.overload(), "overload"),
        (lambda sim: sim.set_weight(12), "too_light"),
        (lambda sim: sim.set_weight(0), "too_light"),
    ],
)
def test_a_refused_weighing_leaves_the_basket_alone(make_runtime, weigh, reason):
    runtime = make_runtime(hardware=True)
    weigh(sim_scale(runtime))
    with pytest.raises(WeighRefused) as refused:
        runtime.add_weighed_from_scale(BANANAS, timeout=0.2)
    assert refused.value.reason == reason
    assert runtime.checkout.basket.lines == []


def test_the_minimum_weight_is_a_store_setting(make_runtime):
    runtime = make_runtime(hardware=True, weigh_min_g=5)
    sim_scale(runtime).set_weight(12)
    assert runtime.add_weighed_from_scale(BANANAS).amount == 4  # 398 × 12 / 1000 = 4.776


def test_live_reading_and_tare(make_runtime):
    runtime = make_runtime(hardware=True)
    sim = sim_scale(runtime)
    sim.set_weight(180, stable=False)
    reading = runtime.read_scale()
    assert (reading.status, reading.grams, reading.stable) == ("ok", 180, False)
    runtime.tare_scale()
    assert sim.zeroed == 1 and runtime.read_scale().grams == 0
    sim.overload()
    assert runtime.read_scale().status == "overload"


def test_a_piece_item_is_not_weighed(make_runtime):
    runtime = make_runtime(hardware=True)
    onigiri = next(p for p in runtime.catalogue.search("", "ja") if p.plu and not p.weighed)
    with pytest.raises(WeighRefused, match="not_weighed"):
        runtime.add_weighed_from_scale(onigiri.plu)


def test_without_a_scale_staff_are_called(make_runtime):
    """GIVEN a kiosk without a scale THEN reading says so, adding is refused, and asking
    staff puts the checkout in needs-attendant with the item named."""
    runtime = make_runtime()
    assert not runtime.has_scale and runtime.read_scale().status == "no_scale"
    with pytest.raises(WeighRefused, match="no_scale"):
        runtime.add_weighed_from_scale(BANANAS)
    events = []
    runtime.subscribe(events.append)
    runtime.checkout.start()
    runtime.ask_staff_to_weigh(BANANAS)
    assert runtime.checkout.state is CheckoutState.NEEDS_ATTENDANT
    needed = [e for e in events if isinstance(e, AttendantNeeded)]
    assert len(needed) == 1 and "バナナ" in needed[0].detail


def test_payment_methods_follow_the_store_order(make_runtime):
    runtime = make_runtime(method_order=("qr", "cash"))
    ids = [m.id for m in runtime.payment_methods()]
    assert ids[:2] == ["qr", "cash"]
    assert set(ids[2:]) >= {"card", "emoney"}


def _config_with(tmp_path: Path, line: str) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = "\n".join(x for x in text.splitlines() if not x.startswith(line.split("=")[0]))
    path = tmp_path / "kiosk.toml"
    path.write_text(text.replace("[checkout]\n", f"[checkout]\n{line}\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    ['method_order = "cash"', 'method_order = ["cash", 3]', 'method_order = ["cash", "cash"]'],
)
def test_a_bad_method_order_names_the_key(tmp_path, line):
    with pytest.raises(ConfigError, match=r"\[checkout.method_order\]"):
        load_config(_config_with(tmp_path, line))


def test_a_bad_minimum_weight_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"\[checkout.weigh_min_g\]"):
        load_config(_config_with(tmp_path, "weigh_min_g = 0"))


def test_the_default_config_orders_cash_first():
    config = load_config()
    assert config.method_order[0] == "cash" and config.weigh_min_g == 20


def test_an_unknown_method_in_the_order_is_named_at_start(make_runtime, caplog):
    make_runtime(method_order=("cash", "crad"))
    assert any(
        "[checkout.method_order]" in r.message and "'crad'" in r.message for r in caplog.records
    )
