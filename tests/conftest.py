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

    def make(hardware: bool = False, **overrides) -> KioskRuntime:
        overrides.setdefault("data_dir", tmp_path / "kiosk")
        runtime = build_runtime(load_config(None, **overrides), hardware=hardware)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.shutdown()


@pytest.fixture
def runtime(make_runtime) -> KioskRuntime:
    return make_runtime()
