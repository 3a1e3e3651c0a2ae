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


@pytest.fixture
def backoffice_url(tmp_path) -> str:
    """A new back-office SQLite store, made as an operator makes one (``kiosk-backoffice
    migrate --create``): every other command refuses a SQLite file that is not there."""
    import contextlib
    import io

    from kiosk.backoffice.cli import main

    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    with contextlib.redirect_stdout(io.StringIO()):  # "schema is up to date"
        assert main(["--database-url", url, "migrate", "--create"]) == 0
    return url
