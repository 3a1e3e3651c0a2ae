"""Screenshots of payments waiting for the shopper: QR (the shopper's code, or the kiosk's
code), e-money. ``python -m kiosk.ui.screenshots_payment [--out DIR] [--languages ja en]``
under a display; writes ``<lang>-29-…`` to ``<lang>-31-…`` next to the ones
:mod:`kiosk.ui.screenshots` makes (07–09 are the cash, failure and receipt screens), and
``<lang>-38-…``: the payment methods while the QR provider does not answer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk.ui.screenshots import Shooter, shoot_session, tool_arguments

ITEMS = ("4901234000018", "4901234000148", "4901234000377")  # ¥786


def shoot_language(s: Shooter, language: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, runtime, shots = s.ctl, s.app.runtime, []
    qr, emoney = runtime.method("qr"), runtime.method("emoney")
    ctl.set_language(language)
    ctl.start()
    s.wait(lambda: ctl.screen == "shopping")
    for code in ITEMS:
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: len(ctl.rows) == len(ITEMS))

    def waiting(method_id: str, name: str) -> None:
        ctl.flows.pay(method_id)
        s.wait(
            lambda: ctl.payment.waiting and (ctl.payment.code or qr.mode != "merchant"), 10, False
        )
        shots.append(s.shoot(language, name))
        ctl.flows.cancel_payment()
        s.wait(lambda: ctl.screen == "shopping")
        ctl.message = ""

    qr.mode = "shopper"
    waiting("qr", "29-paying-qr-show-your-code")
    qr.mode, qr.poll_interval_s = "merchant", 0.2
    waiting("qr", "30-paying-qr-scan-this-code")
    qr.mode = "shopper"
    emoney.touch_wait_s = 60.0
    waiting("emoney", "31-paying-emoney-waiting")
    # the QR provider not answering: QR alone is not offered, and the screen says why (the
    # back office is not in the payment path: it being down changes nothing here)
    qr.network_up = lambda: False  # type: ignore[method-assign]
    ctl.flows.open_payment()
    s.wait(lambda: ctl.screen == "methods" and bool(ctl.methods_offline))
    shots.append(s.shoot(language, "38-payment-methods-offline"))
    del qr.network_up  # the class's probe again
    ctl.flows.cancel_payment()
    s.wait(lambda: ctl.screen == "shopping")
    ctl.cancel_sale()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv)
    from kiosk.config import load_config

    config = load_config(data_dir=tempfile.mkdtemp(prefix="kiosk-shots-"))
    shoot_session(config, settings, args.out, args.languages, shoot_language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
