"""A plugin whose hook outlives its deadline is stopped, not merely abandoned: its worker
thread is retired (PluginStopped raised in it) and every door it holds (runtime, checkout,
store, settings, devices) refuses it from then on, so nothing it does later changes the sale,
the journal or the paper."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.checkout import Checkout
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.plugin_door import PluginStopped
from kiosk.runtime import KioskRuntime
from kiosk.store.models import JournalRow

ONIGIRI = "4901234000018"  # from the demo catalogue
SLEEP_S = 1.5  # well past the 0.3 s deadline, even on a loaded two-core machine


class Sleeper:
    """Sleeps past its deadline, then tries to add to the basket, journal and print."""

    def __init__(self, catch: bool = False) -> None:
        self.catch = catch  # True: it swallows what stops it and carries on regardless
        self.after_sleep = threading.Event()
        self.refusals: list[str] = []
        self.thread: threading.Thread | None = None
        self.done = threading.Event()

    @hookimpl
    def kiosk_masterdata_applied(self, runtime: Any, version: int) -> None:
        self.thread = threading.current_thread()
        try:
            try:
                time.sleep(SLEEP_S)
            except BaseException:
                if not self.catch:
                    raise
            self.after_sleep.set()
            for name, write in (
                ("scan", lambda: runtime.handle_scan(Scan(ONIGIRI, source="sleeper"))),
                ("journal", lambda: runtime.journal("sleeper_was_here", {"v": version})),
                ("print", lambda: runtime.output_receipt(["late"], "s-1", "late.txt")),
                ("store", lambda: runtime.store.set_config("sleeper", 1)),
                ("settings", lambda: runtime.config.plugin_settings("sleeper")),
                ("devices", lambda: runtime.devices),
            ):
                try:
                    write()
                except PluginStopped as exc:
                    self.refusals.append(f"{name}: {exc}")
        finally:
            self.done.set()


def _journal_kinds(runtime: KioskRuntime) -> list[str]:
    with Session(runtime.database()) as session:
        return list(session.scalars(select(JournalRow.kind)))


def _overrun(runtime: KioskRuntime, plugin: Sleeper) -> float:
    runtime.host.register(plugin, "sleeper")
    started = time.monotonic()
    runtime.host.call("kiosk_masterdata_applied", runtime=runtime, version=7, deadline_s=0.3)
    return time.monotonic() - started


def test_an_overrunning_hook_is_stopped_before_it_writes(runtime):
    """GIVEN a hook that sleeps 1.5 s with a 0.3 s deadline, then adds to the basket,
    journals and prints WHEN it overruns THEN the kiosk goes on at the deadline, the plugin
    is disabled and named, its thread is stopped at the end of the sleep (the next line never
    runs) and retired, and the basket, the journal and the receipt file are untouched."""
    sleeper = Sleeper()
    waited = _overrun(runtime, sleeper)
    assert waited < SLEEP_S - 0.3  # the kiosk went on at the deadline
    assert "sleeper" not in runtime.host.names
    [problem] = [p for p in runtime.host.problems if p.plugin == "sleeper"]
    assert "did not answer within 0.3 s (stopped)" in problem.staff_message()
    assert sleeper.done.wait(5)
    sleeper.thread.join(3)
    assert not sleeper.thread.is_alive()  # retired: it took no further call either
    assert not sleeper.after_sleep.is_set()
    assert runtime.sale_view().lines == ()
    assert "sleeper_was_here" not in _journal_kinds(runtime)
    assert not (runtime.config.data_dir / "late.txt").exists()
    assert runtime.host._workers.retired_count == 1


def test_a_hook_that_swallows_the_stop_is_refused_at_every_door(runtime):
    """GIVEN the same hook, catching what stops it WHEN it carries on after its deadline
    THEN each door it touches (sale, journal, printer, store, settings, devices) raises
    PluginStopped naming the plugin, and nothing changed; a sale then goes on normally."""
    sleeper = Sleeper(catch=True)
    _overrun(runtime, sleeper)
    assert sleeper.done.wait(5)
    assert sleeper.after_sleep.is_set()
    assert [r.split(":")[0] for r in sleeper.refusals] == [
        "scan",
        "journal",
        "print",
        "store",
        "settings",
        "devices",
    ]
    assert all("plugin 'sleeper' was stopped" in r for r in sleeper.refusals)
    assert runtime.sale_view().lines == ()
    assert "sleeper_was_here" not in _journal_kinds(runtime)
    assert runtime.stored_value("sleeper") is None
    assert not (runtime.config.data_dir / "late.txt").exists()
    assert runtime.handle_scan(Scan(ONIGIRI)).accepted  # the kiosk itself is unaffected
    assert len(runtime.sale_view().active_lines) == 1


class Background:
    """Keeps its runtime, checkout and catalogue from hooks and acts later from its own
    thread."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.outcome: list[str] = []
        self.finished = threading.Event()
        self.kept: dict[str, Any] = {}

    @hookimpl
    def kiosk_masterdata_applied(self, runtime: Any) -> None:
        self.kept["runtime"] = runtime
        self.kept["catalogue"] = runtime.catalogue
        threading.Thread(target=self._later, daemon=True).start()

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> None:
        self.kept["checkout"] = checkout
        assert isinstance(checkout, Checkout)  # a door looks like what it opens
        assert not hasattr(self.kept["runtime"], "checkout")  # only through this hook
        if scan.code == "BOOM":
            raise RuntimeError("the plugin breaks")

    def _later(self) -> None:
        self.go.wait(5)
        for name, act in (
            ("runtime", lambda: self.kept["runtime"].handle_scan(Scan(ONIGIRI))),
            ("checkout", lambda: self.kept["checkout"].request_help("late")),
            ("catalogue", lambda: self.kept["catalogue"].by_sku("X")),
        ):
            try:
                act()
                self.outcome.append(f"{name}: done")
            except PluginStopped:
                self.outcome.append(f"{name}: refused")
        self.finished.set()


def test_a_disabled_plugins_own_thread_finds_every_kept_door_shut(runtime):
    """GIVEN a plugin that kept its runtime, catalogue and checkout and runs a thread of its own
    WHEN a hook of it raises (it is disabled) and its thread then acts THEN every kept door
    refuses, and the sale is as it was."""
    plugin = Background()
    runtime.host.register(plugin, "background")
    runtime.host.call("kiosk_masterdata_applied", runtime=runtime, version=1)
    assert runtime.handle_scan(Scan(ONIGIRI)).accepted  # live: its doors open
    assert runtime.handle_scan(Scan("BOOM")).accepted is False
    assert "background" not in runtime.host.names
    before = runtime.sale_view()
    plugin.go.set()
    assert plugin.finished.wait(5)
    assert plugin.outcome == ["runtime: refused", "checkout: refused", "catalogue: refused"]
    assert runtime.sale_view() == before


@pytest.mark.parametrize("touch", ["sale_view", "state", "config"])
def test_a_live_door_passes_through(runtime, touch):
    """GIVEN a live plugin's door THEN it reads as the runtime does."""
    door = runtime.host.doors_of("reader").runtime(runtime)
    assert isinstance(door, KioskRuntime)
    value = getattr(door, touch)
    expected = getattr(runtime, touch)
    assert (value() == expected()) if callable(value) else (value == expected)
