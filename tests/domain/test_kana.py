"""kiosk.domain.kana: the one hiragana ↔ katakana conversion (pads, look-up, addressee)."""

from kiosk.domain.kana import hiragana, is_kana, katakana

HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))  # ぁ … ゖ
KATAKANA = "".join(chr(c) for c in range(0x30A1, 0x30F7))  # ァ … ヶ


def test_every_letter_converts_both_ways():
    assert katakana(HIRAGANA) == KATAKANA
    assert hiragana(KATAKANA) == HIRAGANA


def test_the_rest_is_left_as_it_is():
    assert hiragana("ヤマダ(株)ー ABC 様") == "やまだ(株)ー ABC 様"
    assert katakana("やまだ(株)ー ABC 様") == "ヤマダ(株)ー ABC 様"


def test_kana_letters_and_the_long_mark():
    assert all(is_kana(c) for c in HIRAGANA + KATAKANA + "ー")
    assert not any(is_kana(c) for c in "A1株・ 　")


def test_the_look_up_finds_a_katakana_name_typed_in_hiragana_and_back():
    from dataclasses import replace

    from tests.factories import catalogue, product

    melon = replace(product(90, 498), name_ja="メロンパン")
    onigiri = replace(product(91, 150), name_ja="おにぎり")
    found = catalogue(melon, onigiri)
    assert found.search("めろん") == [melon]
    assert found.search("オニギリ") == [onigiri]
