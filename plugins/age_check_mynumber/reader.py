"""A simulated My Number card (マイナンバーカード) reader, driven by tests and the demo.

A real reader reads the card's signature certificate (署名用電子証明書) after the holder
enters its PIN, which is identity assurance level 2 under the JFA guideline for digital age
checks at self-checkouts; a card read without the PIN (券面事項 only) is level 1. The
simulator reproduces those outcomes; its readings live only until they are taken.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date


class CardReaderError(RuntimeError):
    """The card could not be read (removed too early, broken chip): ask staff to check ID."""


@dataclass(frozen=True, slots=True)
class CardReading:
    """One read: the birth date is used for the age decision and then dropped."""

    birth_date: date
    assurance_level: int


class SimulatedMyNumberReader:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._card: tuple[date, str, int] | None = None
        self._pin_ok = False
        self.fail_next = False

    # --- what the test (the shopper) does ------------------------------------------------

    def insert_card(self, birth_date: date, pin: str = "1234", pin_capable: bool = True) -> None:
        """Put a card on the reader; ``pin_capable=False`` reads only the card face (level 1)."""
        with self._lock:
            self._card = (birth_date, pin, 2 if pin_capable else 1)
            self._pin_ok = False

    def enter_pin(self, pin: str) -> bool:
        with self._lock:
            self._pin_ok = self._card is not None and pin == self._card[1]
            return self._pin_ok

    def remove_card(self) -> None:
        with self._lock:
            self._card, self._pin_ok = None, False

    # --- what the plugin does ------------------------------------------------------------

    def take_reading(self) -> CardReading | None:
        """The current reading, once: the card must be read again for the next item."""
        with self._lock:
            if self.fail_next:
                self.fail_next = False
                raise CardReaderError("card read failed; check ID by eye")
            if self._card is None:
                return None
            birth, _, capable = self._card
            level = 2 if capable == 2 and self._pin_ok else 1
            self._card, self._pin_ok = None, False
            return CardReading(birth, level)
