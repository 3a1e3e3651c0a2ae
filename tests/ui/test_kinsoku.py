"""GIVEN Japanese text wider than its label WHEN it wraps THEN no line starts with a
closing mark, a prolonged sound mark or a small kana, none ends with an opening mark, and
numbers and Latin words stay whole (禁則処理; Kivy alone breaks CJK anywhere)."""

from __future__ import annotations

import pytest

from kiosk.ui.kinsoku import NO_LINE_END, NO_LINE_START, needs_wrap, wrap


def width_of(chars: int):
    """A monospaced measure: a line fits if it has at most ``chars`` characters."""
    return lambda text: len(text) <= chars


@pytest.mark.parametrize(
    ("text", "chars", "lines"),
    [
        # Kivy cut this after 23 characters, leaving "。" alone on the second line
        (
            "あと24秒で、お買い物かごを係員にお預けします。",
            23,
            ["あと24秒で、お買い物かごを係員にお預けしま", "す。"],
        ),
        # "（" fits on the first line but may not end it
        (
            "お会計はこちらでお願いします（現金のみ）",
            15,
            ["お会計はこちらでお願いします", "（現金のみ）"],
        ),
        (
            "ポイントカードをスキャンしてください",
            8,
            ["ポイントカードを", "スキャンしてくだ", "さい"],
        ),
        ("あと24秒", 3, ["あと", "24秒"]),
        ("短い文", 10, ["短い文"]),
    ],
)
def test_wrap_follows_the_line_breaking_rules(text, chars, lines) -> None:
    assert wrap(text, width_of(chars)).split("\n") == lines


@pytest.mark.parametrize(
    "text",
    [
        "まだお買い物中ですか？ボタンを押してください。係員が参ります。",
        "「レシート」を受け取ってください。ありがとうございました！",
        "ショッピングカートの商品をスキャンしてください（バーコードを上に）。",
    ],
)
@pytest.mark.parametrize("chars", range(4, 16))
def test_no_line_breaks_a_rule_at_any_width(text, chars) -> None:
    lines = wrap(text, width_of(chars)).split("\n")
    assert "".join(lines) == text  # nothing lost or added
    assert all(len(line) <= chars for line in lines)
    assert not any(line[0] in NO_LINE_START for line in lines[1:])
    assert not any(line[-1] in NO_LINE_END for line in lines[:-1])


def test_only_cjk_text_without_its_own_breaks_is_wrapped_here() -> None:
    assert needs_wrap("お会計")
    assert needs_wrap("合計 ￥1,136")
    assert not needs_wrap("Pay now")
    assert not needs_wrap("계산하기")  # Korean wraps at its spaces, as Kivy does
    assert not needs_wrap("一行目\n二行目")


@pytest.mark.ui
def test_the_still_there_message_wraps_by_the_rules_in_a_real_window(kiosk) -> None:
    """Kivy alone put "。" at the start of this message's second line (screenshot 13)."""
    from kiosk.ui.widgets import KioskLabel

    kiosk.type_burst("4901234000018")
    kiosk.wait_screen("shopping")
    kiosk.ctl.still_there, kiosk.ctl.still_there_left = True, 24
    kiosk.settle()
    message = next(
        widget
        for widget in kiosk.root.still_there.walk(restrict=True)
        if isinstance(widget, KioskLabel) and widget.text.startswith("あと24秒")
    )
    lines = ["".join(w.text for w in line.words) for line in message._label._cached_lines]
    assert len(lines) == 2
    assert "".join(lines) == message.text
    assert lines[1][0] not in NO_LINE_START
