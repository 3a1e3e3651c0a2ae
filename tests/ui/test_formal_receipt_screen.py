"""GIVEN the 領収書 screen WHEN a shopper types on its pad THEN katakana takes its marks and
small forms, latin capitals stay capitals, the addressee stops at 60 characters, and a
reprint's receipt number takes digits only; the staff overlay's reprint needs a staff PIN."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui


def test_the_addressee_pad_types_katakana_latin_and_stops_at_the_bound(kiosk) -> None:
    kiosk.ctl.screen = "formal_receipt"  # the keys are tapped where they are shown
    form = kiosk.wait_screen("formal_receipt")
    pad = form.ids.pad

    def key(face: str) -> None:  # tap the key showing ``face`` (a grid key before a tool)
        kiosk.pump(3)  # a mode change rebuilds the keys: laid out before they are tapped
        buttons = [b for b in pad.walk(restrict=True) if getattr(b, "text", None) == face]
        kiosk.tap(buttons[0])

    pad.mode = "kata"
    for face in ("カ", "゛", "ヤ", "小", "ツ", "小"):
        key(face)
    assert form.addressee == "ガャッ"
    pad.mode = "abc"
    for face in ("A", "B", "␣", "C"):  # the letter C, not the clear key
        key(face)
    assert form.addressee == "ガャッAB C"
    form.quick("(株)")
    assert form.addressee == "ガャッAB C(株)"
    for _ in range(55):
        pad.type_key("Z")
    assert len(form.addressee) == 60
    pad.press("C")  # the tool row's clear key
    assert form.addressee == ""


def test_staff_reprint_asks_for_a_pin_then_takes_digits_only(kiosk) -> None:
    ctl = kiosk.ctl
    ctl.flows.open_staff("formal")
    kiosk.wait(lambda: kiosk.root.staff.parent is not None, what="the staff overlay")
    overlay = kiosk.root.staff
    assert overlay.ids.formal_reprint.disabled  # already asked for
    ctl.flows.unlock("S001", "0000")
    kiosk.wait(lambda: ctl.staff_feedback and ctl.staff_feedback != ctl.t("Checking…"))
    assert ctl.screen != "formal_receipt"
    ctl.flows.unlock("S001", "1234")
    form = kiosk.wait_screen("formal_receipt")
    assert form.reprint and form.field == "receipt_no"
    for key in ("1", "A", "2"):
        form.ids.pad.type_key(key)
    assert form.receipt_no == "12" and form.addressee == ""
    form.issue()
    kiosk.wait(lambda: not form.busy and form.status)
    assert form.status == ctl.t("No sale with that receipt number on this kiosk.")


def test_kana_on_the_pad_offers_kanji_and_a_tap_puts_it_in_place(kiosk) -> None:
    """GIVEN the 領収書 screen WHEN kana is typed THEN the kanji for it are buttons; a tap puts
    the word in place of the kana; 上様 is one tap with nothing after it; the member's name
    is offered once it is not what is typed; large text keeps one row of three."""
    ctl = kiosk.ctl
    form = kiosk.screen("formal_receipt")
    form.open_reprint(back_to="attract")  # the store's words come with the screen's choices
    kiosk.wait_screen("formal_receipt")
    kiosk.tap(form.ids.addressee)
    pad = form.ids.pad

    def offered() -> list[str]:
        return [b.text for b in reversed(form.ids.candidates.children)]

    def tap_offer(text: str) -> None:
        kiosk.pump(3)
        kiosk.tap(next(b for b in form.ids.candidates.children if b.text == text))

    assert offered() == [] and form.ids.candidates_hint.opacity == 1
    for key in "やまだ":
        pad.type_key(key)
    assert offered() == ["山田"] and form.ids.candidates_hint.opacity == 0
    tap_offer("山田")
    assert form.addressee == "山田"
    pad.mode = "kata"
    for key in "カフ":
        pad.type_key(key)
    pad.press("゛")
    assert offered() == ["株式会社", "(株)"]
    tap_offer("株式会社")
    assert form.addressee == "山田株式会社"

    kiosk.tap(form.ids.uesama)
    assert (form.addressee, form.honorific) == ("上様", "")
    assert form.ids.uesama.kind == "primary" and form.ids.honorific_none.kind == "tile"

    form._member_name("佐藤 花子")  # what the loyalty plugin offers for a member's sale
    assert offered() == ["佐藤 花子"]
    pad.press("C")
    for key in "なか":
        pad.type_key(key)
    assert offered() == ["佐藤 花子", "中村", "中島", "中野", "中川", "中山"]
    ctl.large_text = True
    kiosk.pump(3)
    assert offered() == ["佐藤 花子", "中村", "中島"]
    tap_offer("佐藤 花子")
    assert form.addressee == "佐藤 花子" and "佐藤 花子" not in offered()
    ctl.large_text = False
    kiosk.tap(form.ids.back)  # the staff leave the reprint (as the other tests leave theirs)
    kiosk.wait_screen("attract")
