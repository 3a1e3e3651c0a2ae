"""A staff station and payment kiosks sharing a store key, on temp stores."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from kiosk.runtime import KioskRuntime
from kiosk.staff import StaffRegistry
from plugins.handoff.plugin import Plugin, handoff_for
from plugins.handoff.station import StaffStation
from plugins.handoff.ticket import TicketKeys

STORE_KEY = base64.b64encode(b"store-key-for-tests-32-bytes-ok!").decode()
ONIGIRI, TUNA, BEER, SOAP = "4901234000018", "4901234000025", "4901234000292", "4901234000049"
PLUGINS = ("plugins.pay_cash", "plugins.age_check_mynumber", "plugins.handoff.plugin")


class Ticks:
    """A monotonic clock for the PIN lock-out that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def settings() -> dict:
    return {"hmac_key": STORE_KEY}


@pytest.fixture
def make_kiosk(make_runtime, tmp_path, settings) -> Callable[..., KioskRuntime]:
    def make(kiosk_id: str, role: str = "payment", **extra) -> KioskRuntime:
        config = {"handoff": {**settings, "role": role, **extra}}
        return make_runtime(
            kiosk_id=kiosk_id,
            data_dir=tmp_path / kiosk_id,
            plugin_config=config,
            builtin_plugins=PLUGINS,
        )

    return make


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def station(make_kiosk, settings, ticks) -> StaffStation:
    runtime = make_kiosk("ST1", role="station")
    staff = StaffRegistry.from_settings(
        {"lockout_attempts": 5, "lockout_seconds": 300}, clock=ticks
    )
    st = StaffStation(runtime, TicketKeys.from_settings(settings), staff)
    st.sign_in("S001", "1234")
    return st


def plugin_of(runtime: KioskRuntime) -> Plugin:
    return handoff_for(runtime)
