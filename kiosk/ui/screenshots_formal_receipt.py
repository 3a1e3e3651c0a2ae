"""Screenshots of the 領収書 screens: after payment with an addressee typed, and the staff
reprint by receipt number.

``python -m kiosk.ui.screenshots_formal_receipt [--out DIR] [--languages ja en]`` under a
display (``xvfb-run -a -s "-screen 0 1280x800x24"``). Writes ``<lang>-09-receipt-choice``
(the receipt screen with its 領収書 button), ``<lang>-34-formal-receipt`` and
``<lang>-35-formal-receipt-reprint`` next to the others.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk.ui.screenshots import COUPON, ITEMS, Shooter, shoot_session, tool_arguments


def shoot_language(s: Shooter, language: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, runtime, shots = s.ctl, s.app.runtime, []
    ctl.set_language(language)
    ctl.screen = "attract"
    for code in ITEMS:
        ctl.scan(Scan(code, Symbology.EAN13, "screenshots"))
    s.wait(lambda: len(ctl.rows) == len(ITEMS) - 1)
    ctl.scan(Scan(COUPON, Symbology.UNKNOWN, "screenshots"))  # kiosk.ui.screenshots' sale
    s.wait(lambda: len(ctl.adjust_rows) == 2)
    ctl.message = ""
    runtime.method("cash").drawer.insert(2000)
    ctl.flows.open_payment()
    s.wait(lambda: ctl.screen == "methods")
    ctl.flows.pay("cash")
    s.wait(lambda: ctl.screen == "receipt")
    shots.append(s.shoot(language, "09-receipt-choice"))
    form = s.screen("formal_receipt")
    form.open_for_sale(ctl.flows.last_sale)
    s.wait(lambda: ctl.screen == "formal_receipt")
    pad = form.ids.pad
    pad.mode = "kata"
    for key in "ヤマタ":
        pad.type_key(key)
    pad.press("゛")
    form.quick("(株)")
    form.honorific, form.proviso = "御中", form.provisos[-1]
    s.wait(lambda: form.addressee == "ヤマダ(株)")
    shots.append(s.shoot(language, "34-formal-receipt"))
    form.issue()  # the original: the staff's one below is then a 再発行
    s.wait(lambda: not form.busy and form.status)
    receipt_no = ctl.flows.last_sale.receipt_no
    ctl.flows.finish()
    s.wait(lambda: ctl.screen == "thanks")
    ctl.flows.to_attract()
    s.wait(lambda: ctl.screen == "attract")
    ctl.set_language(language)  # the attract screen went back to the store's language
    form.open_reprint(back_to="attract")
    s.wait(lambda: ctl.screen == "formal_receipt")
    for digit in str(receipt_no):
        pad.type_key(digit)
    form.issue()
    s.wait(lambda: not form.busy and form.status)
    shots.append(s.shoot(language, "35-formal-receipt-reprint"))
    form.back()
    s.wait(lambda: ctl.screen == "attract")
    return shots


def main(argv: list[str] | None = None) -> int:
    args, settings = tool_arguments(__doc__ or "", argv)
    from kiosk.config import load_config
    from kiosk.ui.screenshots import offers_config

    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = load_config(offers_config(data_dir), demo=True, data_dir=data_dir)
    shoot_session(config, settings, args.out, args.languages, shoot_language)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
