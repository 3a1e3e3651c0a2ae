"""GIVEN a shopper who becomes a member WHEN they go back to the basket THEN the member
and their points show there; and the next shopper who types that phone number on the
member/coupon keypad is identified (not "that barcode could not be read"), with the
message banner whole and clear of the basket.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

PHONE = "09012345678"
ONIGIRI = "4901234000018"


def box(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return x, y, x + widget.width, y + widget.height


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_member_status_after_signing_up_and_phone_lookup_next_time(kiosk) -> None:
    ctl = kiosk.ctl
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    assert kiosk.widget("member", "shopping").text == ""
    kiosk.tap(kiosk.widget("code", "shopping"))
    code = kiosk.wait_screen("code")
    kiosk.tap(code.ids.enrol)
    screen = kiosk.wait_screen("enrol")
    kiosk.wait(lambda: screen.version, what="the purpose of use")
    kiosk.tap(screen.ids.agree)
    kiosk.settle()
    kiosk.tap_keys(screen.ids.phone_pad, PHONE)
    kiosk.tap(screen.ids.register)
    kiosk.wait(lambda: screen.step == "done", timeout=10, what="enrolled")
    kiosk.tap(screen.ids.finish)
    shopping = kiosk.wait_screen("shopping")
    member = shopping.ids.member
    assert member.text == "会員様　ポイント残高 0pt"
    assert member.width > 0 and member.get_root_window() is not None

    # the sale ends (cancelled): the next shopper starts with no member shown
    ctl.run(kiosk.runtime.cancel, lambda _r: setattr(ctl, "screen", "attract"))
    kiosk.wait_screen("attract")
    assert member.text == ""

    # the next shopper types the phone number on the member/coupon keypad
    kiosk.tap(kiosk.widget("start", "attract"))
    kiosk.wait_screen("shopping")
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: ctl.rows, what="a line")
    kiosk.tap(kiosk.widget("code", "shopping"))
    code = kiosk.wait_screen("code")
    kiosk.tap_keys(code.ids.pad, PHONE)
    kiosk.tap(code.ids.ok)
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: kiosk.root.banner.parent is not None, what="the banner")
    kiosk.settle()
    assert ctl.message == "会員様　ポイント残高 0pt"
    assert not ctl.message_is_error
    assert kiosk.runtime.member_id is not None
    assert member.text == ctl.message
    # shown once: the green banner says it, the header line waits until the banner goes
    assert member.opacity == 0
    shown = [w for w in (member, kiosk.root.banner) if w.opacity and w.get_root_window()]
    assert shown == [kiosk.root.banner]

    # the banner: every line of its text inside it, and the basket not covered
    banner = kiosk.root.banner
    label = banner.ids.text
    assert label.texture_size[1] <= banner.height
    assert not overlaps(box(banner), box(shopping.ids.basket))

    # the banner's time is up: the member line stays for the rest of the sale
    ctl.message = ""
    kiosk.settle()
    assert member.opacity == 1 and member.text == "会員様　ポイント残高 0pt"

    # an unknown number: a clear refusal in Japanese, not "could not read the barcode"
    kiosk.tap(kiosk.widget("code", "shopping"))
    code = kiosk.wait_screen("code")
    kiosk.tap_keys(code.ids.pad, "0311112222")
    kiosk.tap(code.ids.ok)
    kiosk.wait_screen("shopping")
    kiosk.wait(lambda: ctl.message_is_error, what="the refusal")
    assert ctl.message.startswith("会員が見つかりません")
    kiosk.settle()
    assert label.texture_size[1] <= banner.height  # two lines: both shown
    assert label.texture_size[1] > label.font_size * 1.5
