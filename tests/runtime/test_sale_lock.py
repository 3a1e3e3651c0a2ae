"""The sale lock: one holder at a time, and a hook run for the holder may use the runtime's
named methods (which take the lock) without waiting for its own caller."""

from __future__ import annotations

import threading
import time

from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.hookspecs import hookimpl
from kiosk.runtime.sale_lock import SaleLock

ONIGIRI = "4901234000018"


class CallsBack:
    """A member-card plugin: on its code it calls staff and reads the sale, from the hook."""

    def __init__(self) -> None:
        self.seen_lines: int | None = None

    @hookimpl
    def kiosk_claim_scan(self, scan, checkout):
        if scan.code != "HELP-CARD":
            return None
        runtime = self.runtime
        self.seen_lines = len(runtime.sale_view().active_lines)
        runtime.request_help("member card needs staff")
        return None

    @hookimpl
    def kiosk_masterdata_applied(self, runtime):
        self.runtime = runtime


def test_a_hook_may_call_the_runtime_it_was_called_from(runtime):
    """GIVEN a plugin whose kiosk_claim_scan calls runtime.sale_view() and
    runtime.request_help() (both take the sale lock that handle_scan holds) WHEN its code is
    scanned THEN it answers at once, is not disabled, and staff are called."""
    plugin = CallsBack()
    runtime.host.register(plugin, "calls_back")
    runtime.host.call("kiosk_masterdata_applied", runtime=runtime, version=1)
    runtime.host.deadline_s = 1.0
    assert runtime.handle_scan(Scan(ONIGIRI)).accepted
    started = time.monotonic()
    runtime.handle_scan(Scan("HELP-CARD"))
    assert time.monotonic() - started < 0.9
    assert "calls_back" in runtime.host.names
    assert plugin.seen_lines == 1
    assert runtime.state is CheckoutState.NEEDS_ATTENDANT


def test_another_thread_waits_for_the_holder():
    """GIVEN a thread holding the lock THEN another thread (not a hook of the holder) waits
    until it lets go, and the holder may enter again meanwhile."""
    lock, order = SaleLock(), []
    entered = threading.Event()

    def other() -> None:
        entered.set()
        with lock:
            order.append("other")

    with lock:
        thread = threading.Thread(target=other)
        thread.start()
        entered.wait(1)
        time.sleep(0.1)
        with lock:  # reentrant for the holder
            order.append("holder")
    thread.join(1)
    assert order == ["holder", "other"]


def test_a_thread_with_a_stale_copy_of_the_holders_context_waits():
    """GIVEN a context copied while the lock was held WHEN the holder has let go and
    someone else holds it THEN a thread running in that old copy waits like any other."""
    import contextvars

    lock = SaleLock()
    with lock:
        stale = contextvars.copy_context()
    got = []
    lock.acquire()  # this thread holds it now, in a new holding
    thread = threading.Thread(target=lambda: stale.run(lambda: (lock.acquire(), got.append(1))))
    thread.start()
    thread.join(0.3)
    assert got == []  # still waiting
    lock.release()
    thread.join(1)
    assert got == [1]
