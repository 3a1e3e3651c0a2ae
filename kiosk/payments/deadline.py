"""Run one payment call under its method's declared deadline.

A terminal or a provider that never answers must not hold the checkout for the length of
its hang. The call runs on a daemon thread; at the deadline the caller stops waiting and
treats the outcome as unknown (the ledger then asks the method to stop waiting for the
shopper and resolves the payment by ``status()``/``cancel()``). Python cannot stop the
abandoned thread; it finishes, or not, on its own, and whatever it then reports is
refused by the method's own tombstone (``cancel`` must refuse a late request).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Finished:
    """The call returned ``value`` or raised ``error`` in time."""

    value: Any = None
    error: BaseException | None = None


class Overran(Exception):
    """The call did not return within ``seconds``; it was abandoned."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"{what} did not answer within {seconds:g} s")
        self.seconds = seconds


def call_within(seconds: float, what: str, function: Callable[..., Any], *args: Any) -> Finished:
    """``function(*args)`` on its own daemon thread; :class:`Overran` after ``seconds``."""
    box: list[Finished] = []
    done = threading.Event()

    def run() -> None:
        try:
            box.append(Finished(value=function(*args)))
        except BaseException as exc:  # handed to the caller as the call's outcome
            box.append(Finished(error=exc))
        done.set()

    threading.Thread(target=run, name=f"kiosk-pay-{what}", daemon=True).start()
    if not done.wait(seconds):
        raise Overran(what, seconds)
    return box[0]
