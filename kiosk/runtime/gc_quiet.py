"""Building something big (a 100k-item catalogue) on one thread without stalling the others.

Two things stalled the scanning thread while the kiosk built a new catalogue beside the
old one (``bench/catalogue_reload.py``, 2-core machine at load 11–14):

- the cyclic garbage collector runs on whichever thread allocates once its thresholds are
  crossed, and a full pass walks every tracked object with the interpreter held: building
  100k products crosses them, and that pass took 0.4–1.4 s. What is built is kept for a
  long time, so it is left out of future passes too — the reasoning of the app's own
  ``gc.freeze()`` once it has started (``kiosk/ui/app.py``);
- a scan hands work to hook threads and back several times, and each hand-over waits for
  the builder to give up the interpreter: up to the switch interval (5 ms) every time.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

BUILD_SWITCH_S = 0.0005  # how long a thread that wants the interpreter waits, while building
FREE_CHUNK = 2000  # entries freed between thread switches when a catalogue is let go


def without_collections(build: Callable[[], T]) -> T:
    """``build()`` with no collector pass meanwhile; what exists afterwards is frozen.

    Freezing moves every object the collector tracks out of its future passes (reference
    counting still frees them). The cost: a cycle of garbage that exists at that moment is
    never collected; one reload leaves few, and reloads are rare (a master-data apply).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        built = build()
        gc.freeze()
        return built
    finally:
        if enabled:
            gc.enable()


@contextmanager
def quick_switches() -> Iterator[None]:
    """A short switch interval meanwhile, so other threads wait less for the interpreter."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, BUILD_SWITCH_S))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
