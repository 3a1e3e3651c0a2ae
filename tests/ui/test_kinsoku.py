"""GIVEN Japanese text wider than its label WHEN it wraps THEN lines break between phrases
(BudouX) where one fits, no line starts with a closing mark, a prolonged sound mark or a
small kana, none ends with an opening mark, numbers and Latin words stay whole (禁則処理),
and no last line is one character (Kivy alone breaks CJK anywhere)."""

from __future__ import annotations

import pytest

from kiosk.ui.kinsoku import NO_LINE_END, NO_LINE_START, needs_wrap, phrase_starts, wrap


def width_of(chars: int):
    """A monospaced measure: a line fits if it has at most ``chars`` characters."""
    return lambda text: len(text) <= chars


@pytest.mark.parametrize(
    ("text", "chars", "lines"),
    [
        # Kivy cut this after 23 characters, leaving "。" alone on the second line; 禁則
        # alone made it "…お預けしま" over "す。"; the phrase "お預けします。" stays whole
        (
            "あと24秒で、お買い物かごを係員にお預けします。",
            23,
            ["あと24秒で、お買い物かごを係員に", "お預けします。"],
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


@pytest.mark.parametrize(
    ("text", "chars", "lines"),
    [
        # issue 16 item 11: "QRコー" over "ド…", "お預けしま" over "す。"
        ("QRコードを読み取ってください", 8, ["QRコードを", "読み取ってくだ", "さい"]),
        ("QRコードを読み取ってください", 12, ["QRコードを", "読み取ってください"]),
        ("お預けします。", 10, ["お預けします。"]),
        # a button in large text: "お買い物をやめ" over "る" before
        ("お買い物をやめる", 7, ["お買い物を", "やめる"]),
        # a space is a boundary too (an item name)
        ("トイレットペーパー 12ロール", 12, ["トイレットペーパー", "12ロール"]),
        # a phrase longer than the line still breaks, by 禁則 alone
        ("QRコードを", 4, ["QRコー", "ドを"]),
        # … preferably after a middle dot ("会員カード・クー" over "ポン" before)
        ("会員カード・クーポン", 8, ["会員カード・", "クーポン"]),
        # Chinese takes BudouX's Simplified Chinese model (请|扫描|商品|条形|码)
        ("请扫描商品条形码", 6, ["请扫描商品", "条形码"]),
    ],
)
def test_wrap_breaks_between_phrases(text, chars, lines) -> None:
    assert wrap(text, width_of(chars)).split("\n") == lines


@pytest.mark.parametrize(
    "text",
    [
        "お買い物をやめる",
        "お支払いをやめる",
        "タッチしてはじめる",
        "まだお買い物中ですか？ボタンを押してください。係員が参ります。",
        "トイレットペーパー 12ロール",
    ],
)
@pytest.mark.parametrize("chars", range(3, 20))
def test_no_last_line_of_one_character_at_any_width(text, chars) -> None:
    lines = wrap(text, width_of(chars)).split("\n")
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(len(line) <= chars for line in lines)
    assert len(lines) == 1 or len(lines[-1]) > 1, lines


def test_phrases_are_found_once_per_text() -> None:
    phrase_starts.cache_clear()
    text = "レジ袋は必要ですか？"
    assert phrase_starts(text) == frozenset({4})  # レジ袋は | 必要ですか？
    for chars in range(3, 10):
        wrap(text, width_of(chars))
    info = phrase_starts.cache_info()
    assert (info.misses, info.hits) == (1, 7)


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
