"""Digital age check with a My Number card (マイナンバーカードによる年齢確認).

Implements ``kiosk_age_check``: an age-restricted line is approved without an attendant
when the card was read with its PIN (identity assurance level ≥ 2, as the JFA guideline
asks) and the holder is 20 or older. Under 20, level 1, no card or a read error → ``None``:
staff check as before. Personal data never leaves this call: the kiosk journals only the
outcome (method, level, approved or why not), never the birth date or the card number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from kiosk.domain.events import AgeApproval
from kiosk.hookspecs import hookimpl
from plugins.age_check_mynumber.reader import CardReaderError, SimulatedMyNumberReader

NAME = "age_check_mynumber"
METHOD = "mynumber-card"
MIN_LEVEL = 2
ADULT_AGE = 20  # 20歳未満の者の飲酒の禁止に関する法律

__all__ = ["METHOD", "Plugin", "SimulatedMyNumberReader", "age_on", "mynumber_for"]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def mynumber_for(runtime: Any) -> Plugin:
    plugin = runtime.plugin_api(NAME)  # LookupError when not live here
    if plugin.runtime != runtime:  # a door == its runtime
        raise LookupError("the My Number age check plugin is not started on this kiosk")
    return plugin


class AgeCheckSettings(BaseModel):
    """``[plugins.age_check_mynumber]`` has no keys yet: any key is a mistake."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Plugin:
    def __init__(self) -> None:
        self.runtime: Any = None
        self.reader = SimulatedMyNumberReader()

    def plugin_api(self) -> Plugin:
        """What ``runtime.plugin_api("age_check_mynumber")`` gives this plugin's own screens and
        helpers (:func:`mynumber_for`): the plugin itself."""
        return self

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[AgeCheckSettings]]:
        return NAME, AgeCheckSettings

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        self.runtime = runtime

    @hookimpl
    def kiosk_age_check(self, line: Any, checkout: Any) -> AgeApproval | None:
        try:
            reading = self.reader.take_reading()
        except CardReaderError as exc:
            self._journal(line, "read_error", 0, str(exc))
            return None
        if reading is None:
            return None  # no card offered: staff check as usual
        today = self.runtime.clock().date() if self.runtime else date.today()
        adult = age_on(reading.birth_date, today) >= ADULT_AGE
        level = reading.assurance_level
        del reading  # the birth date is not kept anywhere
        if level < MIN_LEVEL:
            self._journal(line, "assurance_too_low", level)
            return None
        if not adult:
            self._journal(line, "under_age", level)
            return None
        return AgeApproval(method=METHOD, assurance_level=level)  # the runtime journals it

    def _journal(self, line: Any, outcome: str, level: int, detail: str = "") -> None:
        if self.runtime is None:
            return
        self.runtime.journal(
            "age_check_digital_refused",
            {
                "sku": line.product.sku,
                "method": METHOD,
                "assurance_level": level,
                "outcome": outcome,
                "detail": detail,
                "sale_id": self.runtime.sale_id,
            },
        )
