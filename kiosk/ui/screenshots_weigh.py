"""Screenshots of the weigh screen (with the simulated scale, and on a kiosk without one)
and of the payment-method tiles with their pictograms.

``python -m kiosk.ui.screenshots_weigh [--out DIR] [--languages ja en]`` under a display
(``xvfb-run -a -s "-screen 0 1280x800x24"``). Writes ``<lang>-32-weigh``,
``<lang>-33-weigh-no-scale`` and ``<lang>-06-payment-methods`` (the same tiles
``kiosk.ui.screenshots`` shoots) next to the others.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

from kiosk.ui.screenshots import ITEMS, Shooter, shoot_session, tool_arguments

BANANAS = "101"


def weigh_bananas(s: Shooter, grams: int | None) -> Any:
    """Look-up's バナナ on the weigh screen; the simulated scale at ``grams`` (if any)."""
    ctl = s.ctl
    ctl.add_product(ctl.runtime.catalogue.by_plu(BANANAS))
    s.wait(lambda: ctl.screen == "weigh")
    screen = s.screen("weigh")
    if grams is not None:
        ctl.runtime.devices.scale.driver.set_weight(grams)
        s.wait(lambda: screen.grams == grams and screen.stable)
    else:
        s.wait(lambda: not screen.has_scale)
    return screen


def shoot_language(s: Shooter, language: str, with_scale: bool) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, shots = s.ctl, []
    ctl.set_language(language)
    for code in ITEMS:  # the basket kiosk.ui.screenshots shows on the methods screen
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: len(ctl.rows) == len(ITEMS) - 1)
    if with_scale:
        weigh_bananas(s, 350)
        shots.append(s.shoot(language, "32-weigh"))
        ctl.go("shopping")
        ctl.flows.open_payment()
        s.wait(lambda: ctl.screen == "methods")
        shots.append(s.shoot(language, "06-payment-methods"))
    else:
        weigh_bananas(s, None)
        shots.append(s.shoot(language, "33-weigh-no-scale"))
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv)
    from kiosk.config import load_config

    for with_scale in (True, False):
        config = load_config(
            data_dir=tempfile.mkdtemp(prefix="kiosk-shots-"), open_hardware=with_scale
        )
        shoot = functools.partial(shoot_language, with_scale=with_scale)
        shoot_session(config, settings, args.out, args.languages, shoot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
