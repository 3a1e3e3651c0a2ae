"""The /dev/serial/by-id watcher reopens a role when its device appears."""

from __future__ import annotations

from kiosk.devices.base import DataEvent, DeviceState
from kiosk.devices.profiles import load_profile, open_devices
from kiosk.devices.watcher import ByIdWatcher


def test_device_plugged_in_after_start_is_picked_up(tmp_path, make_pty, events):
    """GIVEN a kiosk started while its scanner (by-id path) was absent
    WHEN the by-id link appears and the watcher polls THEN the scanner is reopened, idle,
    and scans flow."""
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    link = by_id / "usb-Scanner-if00"
    profile_path = tmp_path / "k.toml"
    profile_path.write_text(
        f"[kiosk]\nmodel='m'\n[devices.main_scanner]\ndriver='serial'\nconnection='{link}'\n"
        "options = { max_backoff = 60.0 }\n"  # the link alone would wait: the watcher acts
    )
    devices = open_devices(load_profile(profile_path))
    watcher = ByIdWatcher(devices, directory=by_id, interval=0.05)
    try:
        scanner = devices.main_scanner
        assert scanner.state is DeviceState.ERROR and "main_scanner" in devices.errors
        assert watcher.poll_once() == []
        pty = make_pty()
        link.symlink_to(pty.path)
        assert watcher.poll_once() == ["main_scanner"]
        assert scanner.state is DeviceState.IDLE and devices.errors == {}
        scanner.subscribe(events)
        pty.send(b"4901234567894\r")
        assert events.next(DataEvent, "scan").data.code == "4901234567894"
        watcher.start()
    finally:
        watcher.stop()
        devices.close_all()
    assert watcher._thread is None
