"""Fixtures shared by the whole suite: a kiosk configuration and runtime on a temp store."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kiosk.app import build_runtime
from kiosk.config import KioskConfig, load_config
from kiosk.runtime import KioskRuntime


@pytest.fixture
def kiosk_config(tmp_path) -> KioskConfig:
    return load_config(None, data_dir=tmp_path / "kiosk")


@pytest.fixture
def make_runtime(tmp_path) -> Iterator[Callable[..., KioskRuntime]]:
    """Build runtimes on temp stores; each is shut down after the test."""
    made: list[KioskRuntime] = []

    def make(hardware: bool = False, training: bool | None = None, **overrides) -> KioskRuntime:
        """``training=False``: the simulated money stands for real money (the plugins then
        book points, coupons and tax-free records as for a real sale); ``None``: the mode
        the configuration gives (simulators: training)."""
        overrides.setdefault("data_dir", tmp_path / "kiosk")
        runtime = build_runtime(load_config(None, **overrides), hardware=hardware)
        if training is not None:
            runtime.training = training
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.shutdown()


@pytest.fixture
def runtime(make_runtime) -> KioskRuntime:
    return make_runtime()
