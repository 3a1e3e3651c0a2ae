"""Hardware profiles: every shipped profile, corrupt profiles, open_devices, doctor."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.devices.base import DeviceState
from kiosk.devices.doctor import doctor_table
from kiosk.devices.profiles import (
    PROFILE_DIR,
    ROLE_CLASSES,
    Devices,
    ProfileError,
    available_profiles,
    load_profile,
    open_devices,
)
from kiosk.devices.registry import DEVICE_CLASSES, DriverRegistry, default_registry

SHIPPED = ["simulated", "epson-tm-serial-changer", "cashless", "semi-self-payment"]

SIM_FACTORIES = {
    cls: factory for (cls, name), factory in default_registry()._factories.items() if name == "sim"
}


def dry_run_registry() -> DriverRegistry:
    """Every driver name of the default registry, but each backed by its simulator."""
    registry = DriverRegistry()
    for cls, name in default_registry()._factories:
        registry.register(cls, name, lambda c, o, cls=cls: SIM_FACTORIES[cls]("", {}))
    return registry


def test_all_shipped_profiles_are_listed():
    """GIVEN hardware_profiles/ WHEN listed THEN the four shipped profiles are there."""
    assert set(SHIPPED) <= set(available_profiles())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_profile_is_valid_and_opens(name):
    """GIVEN a shipped profile WHEN loaded THEN every role has a known class and a driver the
    default registry has; opened with simulators behind the same driver names, every device
    is enabled and idle, and close_all closes them all."""
    profile = load_profile(name)
    assert profile.model and profile.path == PROFILE_DIR / f"{name}.toml"
    registry = default_registry()
    for role, config in profile.devices.items():
        assert config.device_class in DEVICE_CLASSES
        assert ROLE_CLASSES.get(role, config.device_class) == config.device_class
        assert (config.device_class, config.driver) in registry
    devices = open_devices(profile, dry_run_registry())
    try:
        assert devices.errors == {}
        for role, device in devices:
            assert device.enabled and device.state is DeviceState.IDLE, role
            assert getattr(devices, role) is device
    finally:
        devices.close_all()
    assert all(device.state is DeviceState.CLOSED for _, device in devices)


def test_cashless_has_no_changer():
    """GIVEN the cashless profile WHEN opened THEN devices.changer is None."""
    devices = open_devices(load_profile("cashless"), dry_run_registry())
    try:
        assert devices.changer is None and devices.printer is not None
    finally:
        devices.close_all()


def test_simulated_profile_end_to_end():
    """GIVEN the default simulated profile WHEN opened with the real registry THEN a scan,
    a receipt and a deposit work through the role attributes."""
    devices: Devices = open_devices(load_profile("simulated"))
    try:
        got = []
        devices.main_scanner.subscribe(got.append)
        devices.main_scanner.driver.inject_scan("4901234567894")
        assert got[0].data.code == "4901234567894"
        devices.printer.print_receipt(["ありがとうございました"], qr="https://example.jp")
        assert devices.printer.driver.jobs
        devices.changer.begin_deposit(amount_due=120)
        devices.changer.driver.sim.insert(1000)
        assert devices.changer.end_deposit() == 1000
        assert devices.changer.dispense_change(880) == 880
    finally:
        devices.close_all()


def test_doctor_table_for_the_simulated_profile():
    """GIVEN the simulated profile WHEN kiosk doctor runs THEN one row per role, all ok."""
    table = doctor_table("simulated")
    lines = table.splitlines()
    assert lines[0] == "Simulated kiosk (simulated.toml)"
    assert lines[1].split() == ["ROLE", "CLASS", "DRIVER", "STATE", "STATUS"]
    rows = [line.split() for line in lines[3:]]
    assert [r[0] for r in rows] == list(load_profile("simulated").devices)
    assert all(r[3:] == ["idle", "ok"] for r in rows)
    assert ["printer", "POSPrinter", "sim", "idle", "ok"] in rows


def test_doctor_shows_a_missing_device_with_its_hint(tmp_path):
    """GIVEN a profile with a serial scanner that is not plugged in WHEN doctor runs
    THEN that row says error / disconnected with what to do."""
    path = tmp_path / "k.toml"
    path.write_text(f"""[kiosk]\nmodel = "t"\n[devices.main_scanner]\ndriver = "serial"
connection = "{tmp_path / "absent"}"\n""")
    row = doctor_table(str(path)).splitlines()[3]
    assert row.split()[:5] == ["main_scanner", "Scanner", "serial", "error", "disconnected:"]
    assert "Check the cable" in row


CORRUPT = [
    ("[kiosk\nmodel = 1", "", "not valid TOML"),
    ("[devices.printer]\ndriver='sim'", "kiosk", "must be a table"),
    ("[kiosk]\nmodel = 3\n[devices.printer]\ndriver='sim'", "kiosk.model", "must be a string"),
    ("[kiosk]\nmodel='m'", "devices", "must be a table"),
    ("[kiosk]\nmodel='m'\n[devices]", "devices", "no devices"),
    ("[kiosk]\nmodel='m'\n[devices.printer]\nconnection='x'", "devices.printer.driver", "missing"),
    (
        "[kiosk]\nmodel='m'\n[devices.printer]\ndriver='sim'\nbaud=1",
        "devices.printer.baud",
        "unknown key",
    ),
    (
        "[kiosk]\nmodel='m'\n[devices.printer]\nclass='Scanner'\ndriver='sim'",
        "devices.printer.class",
        "the printer role is a POSPrinter",
    ),
    (
        "[kiosk]\nmodel='m'\n[devices.hand_scanner]\ndriver='sim'",
        "devices.hand_scanner.class",
        "missing",
    ),
    (
        "[kiosk]\nmodel='m'\n[devices.x]\nclass='Toaster'\ndriver='sim'",
        "devices.x.class",
        "unknown device class 'Toaster'",
    ),
    (
        "[kiosk]\nmodel='m'\n[devices.printer]\ndriver='sim'\noptions='fast'",
        "devices.printer.options",
        "must be a table",
    ),
    (
        "[kiosk]\nmodel='m'\n[devices.printer]\ndriver='sim'\nenabled='yes'",
        "devices.printer.enabled",
        "true or false",
    ),
    ("[kiosk]\nmodel='m'\n[printers]", "printers", "unknown top-level table"),
]


@pytest.mark.parametrize(("text", "key", "problem"), CORRUPT)
def test_corrupt_profile_errors_name_file_key_and_problem(tmp_path, text, key, problem):
    """GIVEN a corrupt profile WHEN loaded THEN ProfileError naming the file, key, problem."""
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert (info.value.key, info.value.path) == (key, str(path))
    assert problem in info.value.problem
    assert str(path) in str(info.value)


def test_unknown_driver_and_bad_options_fail_at_open(tmp_path):
    """GIVEN a valid-looking profile with an unknown driver / bad option WHEN opened
    THEN ProfileError on .driver / .options listing what exists."""
    path = tmp_path / "p.toml"
    path.write_text("[kiosk]\nmodel='m'\n[devices.printer]\ndriver='star'\n")
    with pytest.raises(ProfileError, match=r"\[devices.printer.driver\].*registered: escpos, sim"):
        open_devices(load_profile(path))
    path.write_text(
        "[kiosk]\nmodel='m'\n[devices.printer]\ndriver='escpos'\n"
        "connection='dummy:'\noptions={ colums = 42 }\n"
    )
    with pytest.raises(ProfileError, match=r"\[devices.printer.options\].*colums"):
        open_devices(load_profile(path))


def test_unknown_profile_name_lists_available():
    """GIVEN a profile name that does not exist WHEN loaded THEN the error lists the others."""
    with pytest.raises(ProfileError, match=r"available: .*simulated"):
        load_profile("nope")


def test_disabled_role_is_not_opened(tmp_path):
    """GIVEN enabled = false WHEN opened THEN that role is None."""
    path = Path(tmp_path / "p.toml")
    path.write_text(
        "[kiosk]\nmodel='m'\n[devices.light]\ndriver='sim'\nenabled=false\n"
        "[devices.scale]\ndriver='sim'\n"
    )
    devices = open_devices(load_profile(path))
    assert devices.light is None and devices.scale is not None
    devices.close_all()
