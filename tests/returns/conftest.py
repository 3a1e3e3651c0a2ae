"""Fixtures shared by the kiosk-side return tests: a card terminal simulator and a started
kiosk runtime paying through it (tests.returns.desk.started)."""

from __future__ import annotations

import pytest

from plugins.pay_card.simulator import CardTerminalSimulator
from tests.returns.desk import started


@pytest.fixture
def terminal():
    simulator = CardTerminalSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def runtime(tmp_path, terminal):
    runtime = started(tmp_path / "kiosk", terminal.port)
    yield runtime
    runtime.shutdown()
