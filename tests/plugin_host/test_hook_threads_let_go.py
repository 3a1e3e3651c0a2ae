"""GIVEN a kiosk runtime whose plugins' hooks ran on the host's worker threads WHEN it is shut
down THEN nothing of it stays alive: an idle hook thread held its last call (the runtime,
the sale, the UI that called) until its next call, and the threads never ended, so every
kiosk built in a process (each UI test's app, widgets and all) stayed in memory for good."""

from __future__ import annotations

import gc
import threading
import weakref

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.scan import Scan
from kiosk.runtime import KioskRuntime

ONIGIRI = "4901234000018"  # from the demo catalogue


def sell_one(tmp_path) -> KioskRuntime:
    runtime = build_runtime(load_config(None, data_dir=tmp_path / "kiosk"))
    assert runtime.handle_scan(Scan(ONIGIRI)).accepted  # hooks run on the worker threads
    assert runtime.pay("cash") is not None
    return runtime


def test_a_shut_down_runtime_is_not_kept_alive_by_its_hook_threads(tmp_path):
    runtime = sell_one(tmp_path)
    runtime.shutdown()
    gone = weakref.ref(runtime)
    del runtime
    gc.collect()
    assert gone() is None


def test_shutting_down_ends_the_runtimes_idle_hook_threads(tmp_path):
    before = set(threading.enumerate())
    runtime = sell_one(tmp_path)
    started = [t for t in set(threading.enumerate()) - before if t.name == "kiosk-hook"]
    assert started  # the sale did run hooks on threads of its own
    runtime.shutdown()
    for thread in started:
        thread.join(timeout=10)  # a bounded wait: an idle thread ends at once
    assert [t for t in started if t.is_alive()] == []
