"""Shell settings from the kiosk's TOML file (``[ui]``): screen DPI, timeouts, kiosk mode.

``KioskConfig.ui`` carries the ``[ui]`` table, layered and checked against this dataclass
by :mod:`kiosk.config` (unknown keys and bad values are configuration errors there).
Missing table → the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from kiosk.config import KioskConfig

MM_PER_INCH = 25.4
# a KioskButton's face is drawn this far inside its box on each side (widgets.kv), so that
# neighbouring buttons read as separate; the touch target is the face the shopper sees
BUTTON_INSET_PX = 3.0


@dataclass(frozen=True, slots=True)
class UiSettings:
    dpi: float = 96.0  # the screen's real DPI (a 15.6" 1920×1080 panel is about 141)
    touch_target_mm: float = 15.0  # smallest button side (wheelchair and gloved use)
    inactivity_seconds: float = 90.0  # no touch/scan while shopping → "are you still there?"
    still_there_seconds: float = 30.0  # then the basket is suspended for staff
    thanks_seconds: float = 8.0  # thank-you screen → attract
    message_seconds: float = 6.0  # shopper messages (unknown item…) fade after this
    kiosk_mode: bool = False  # fullscreen, borderless, no cursor, close refused
    input_device: str = ""  # e.g. "/dev/input/event5" for the touchscreen (kiosk mode)
    input_provider: str = "mtdev"  # mtdev | hidinput
    # where shoppers' phones fetch an e-receipt, "https://host/r/{sale_id}"; empty: the
    # back office's address (signed links), and no e-receipt without a back office
    ereceipt_url: str = ""

    @property
    def target_px(self) -> float:
        return mm_to_px(self.touch_target_mm, self.dpi)

    @classmethod
    def from_config(cls, config: KioskConfig, **overrides: Any) -> UiSettings:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in dict(config.ui).items() if k in known}
        values.update(overrides)
        return cls(**values)


def mm_to_px(mm: float, dpi: float) -> float:
    return mm / MM_PER_INCH * dpi


def pt_to_px(pt: float, dpi: float) -> float:
    return pt / 72.0 * dpi
