"""The sale's lock, which a hook may share with the call that is waiting for it.

The runtime holds its lock while it calls hooks (``handle_scan`` → ``kiosk_claim_scan``,
a basket change → ``kiosk_adjust_basket``…), and the plugin host runs each hook on a worker
thread so that it can be stopped at its deadline. With a plain ``RLock`` a hook that called
back into the runtime's named methods (``runtime.request_help(…)``, ``runtime.sale_view()``)
would wait for a lock its own caller holds, until the deadline disabled the plugin: the
deadlock trap plugins had to be told about.

:class:`SaleLock` is reentrant per *holder*, not per thread: the thread that takes it
becomes the holder and records that in a context variable; the plugin host runs each hook
in a copy of the caller's context (``contextvars.copy_context``), so a hook called while
the holder waits for it enters as the holder's own nested call. Once the holder lets go,
that borrowed right ends with it: a hook thread left running afterwards waits like any
other thread (and its plugin's doors are shut anyway, :mod:`kiosk.plugin_door`).
"""

from __future__ import annotations

import threading
from contextvars import ContextVar, Token
from typing import Any


class _Hold:
    """One holding of the lock: the holder and its nested entries share it."""

    __slots__ = ("active", "reset")

    def __init__(self) -> None:
        self.active = True
        self.reset: Token[_Hold | None] | None = None


_HOLDER: ContextVar[_Hold | None] = ContextVar("kiosk_sale_lock_holder", default=None)


class SaleLock:
    """A reentrant lock whose nested entries may come from hooks run for the holder."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._hold: _Hold | None = None
        self._depth = 0

    def acquire(self) -> bool:
        mine = _HOLDER.get()
        with self._cond:
            if self._hold is not None and mine is self._hold and mine.active:
                self._depth += 1  # the holder again, or a hook it waits for
                return True
            while self._hold is not None:
                self._cond.wait()
            hold = _Hold()
            self._hold, self._depth = hold, 1
        hold.reset = _HOLDER.set(hold)
        return True

    def release(self) -> None:
        with self._cond:
            if self._hold is None:
                raise RuntimeError("release of an unheld SaleLock")
            self._depth -= 1
            if self._depth:
                return
            hold, self._hold = self._hold, None
            hold.active = False
            self._cond.notify()
        if hold.reset is not None:
            try:
                _HOLDER.reset(hold.reset)
            except ValueError:  # released from another context than it was taken in
                _HOLDER.set(None)

    def __enter__(self) -> SaleLock:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
