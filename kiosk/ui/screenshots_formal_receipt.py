"""Screenshots of the 領収書 screens: after payment with an addressee typed, and the staff
reprint by receipt number.

``python -m kiosk.ui.screenshots_formal_receipt [--out DIR] [--languages ja en]
[--large-text]`` under a display (``xvfb-run -a -s "-screen 0 1280x800x24"``). Writes
``<lang>-09-receipt-choice`` (the receipt screen with its 領収書 button),
``<lang>-34-formal-receipt``, ``<lang>-36-formal-receipt-kanji`` and
``<lang>-37-formal-receipt-kanji-long`` (the addressee's kana → kanji candidates) and
``<lang>-35-formal-receipt-reprint`` next to the others (``large-`` before the language
with ``--large-text``).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kiosk.ui.screenshots import COUPON, ITEMS, Shooter, shoot_session, tool_arguments


def shoot_language(s: Shooter, language: str) -> list[Path]:
    from kiosk.domain.scan import Scan, Symbology

    ctl, runtime, shots = s.ctl, s.app.runtime, []
    ctl.set_language(language)
    ctl.large_text = s.large_text  # each shopper of a large-text run asks for it again
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
    # kanji: a company form taken from its candidates, then a surname's first letters
    for addressee, name in (
        ("株式会社なか", "36-formal-receipt-kanji"),
        ("とくてい", "37-formal-receipt-kanji-long"),
    ):
        pad.press("C")
        pad.mode = "kana"
        for key in addressee:
            pad.type_key(key)
        s.wait(lambda a=addressee: form.addressee == a and form.offered)
        shots.append(s.shoot(language, name))
    pad.press("C")
    for key in "ヤマダ(株)":
        pad.type_key(key)
    form.issue()  # the original: the staff's one below is then a 再発行
    s.wait(lambda: not form.busy and form.status)
    receipt_no = ctl.flows.last_sale.receipt_no
    ctl.flows.finish()
    s.wait(lambda: ctl.screen == "thanks")
    ctl.flows.to_attract()
    s.wait(lambda: ctl.screen == "attract")
    ctl.set_language(language)  # the attract screen went back to the store's language
    ctl.large_text = s.large_text  # and large text off: staff turn it on for the reprint
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
    def options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--large-text", action="store_true")

    args, settings = tool_arguments(__doc__ or "", argv, extra=options)
    from kiosk.config import load_config
    from kiosk.ui.screenshots import offers_config

    data_dir = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
    config = load_config(offers_config(data_dir), demo=True, data_dir=data_dir)
    shoot_session(
        config, settings, args.out, args.languages, shoot_language, large_text=args.large_text
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
