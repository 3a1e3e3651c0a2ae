"""GIVEN the 領収書 addressee words (kiosk/data/addressee_words.toml, plus a store's) WHEN a
shopper types kana THEN the words for the kana at the end are offered, whole readings before
the readings they start, and a chosen word takes the place of its kana; katakana converts
too; the store's words come first; a reading that is not kana or a word that cannot be
printed is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config
from kiosk.devices.cp932 import to_cp932
from kiosk.domain.addressee_words import AddresseeWords, Candidate, apply, hiragana
from kiosk.runtime.formal_receipt import bundled_words, choices
from tests.test_config import site

WORDS = bundled_words()


def words(text: str) -> list[str]:
    return [c.word for c in WORDS.candidates(text)]


def test_the_bundled_words_cover_company_forms_honorifics_and_surnames() -> None:
    assert WORDS.words_for("かぶしきがいしゃ")[0] == "株式会社"
    assert WORDS.words_for("ゆうげんがいしゃ")[0] == "有限会社"
    assert WORDS.words_for("ごうどうがいしゃ")[0] == "合同会社"
    assert WORDS.words_for("さま") == ("様",)
    assert WORDS.words_for("おんちゅう") == ("御中",)
    assert WORDS.words_for("うえさま") == ("上様",)
    assert WORDS.words_for("さとう") == ("佐藤",)
    assert WORDS.words_for("わたなべ")[:2] == ("渡辺", "渡邊")
    assert len(WORDS) > 150


def test_every_bundled_word_prints_on_the_receipt_printer() -> None:
    every = [w for reading in WORDS._words for w in WORDS.words_for(reading)]
    assert [w for w in every if to_cp932(w) is None] == []


def test_the_kana_at_the_end_is_converted_in_place() -> None:
    typed = "やまだ"
    first = WORDS.candidates(typed)[0]
    assert first == Candidate("山田", 3)
    typed = apply(typed, first) + "かぶしきがいしゃ"
    assert words(typed)[:2] == ["株式会社", "(株)"]
    assert apply(typed, WORDS.candidates(typed)[0]) == "山田株式会社"


def test_katakana_typed_on_the_pad_converts_as_its_reading() -> None:
    assert hiragana("ヤマダー") == "やまだー"
    assert WORDS.candidates("(株)ヤマダ") == [Candidate("山田", 3)]


def test_a_shorter_stretch_at_the_end_is_offered_after_the_longer() -> None:
    # "うえさま" is a whole reading (上様); its last two letters are one too (様)
    assert words("うえさま") == ["上様", "様"]
    assert apply("たなかうえさま", Candidate("上様", 4)) == "たなか上様"
    assert words("わたなべさま") == ["様"]


def test_two_letters_offer_the_readings_they_start_in_the_files_order() -> None:
    assert words("なか") == ["中村", "中島", "中野", "中川", "中山", "中田"]
    assert words("さと") == ["佐藤"]
    assert words("か") == []  # one letter offers only whole readings: too many otherwise
    assert words("なか")[:1] == ["中村"] and len(WORDS.candidates("なか", limit=3)) == 3


def test_nothing_is_offered_after_anything_but_kana() -> None:
    assert WORDS.candidates("") == []
    assert WORDS.candidates("山田(株)") == []
    assert WORDS.candidates("ABC") == []


def test_the_stores_words_come_first_and_add_new_readings() -> None:
    store = WORDS.with_store_words({"ふじわら": ["富士原"], "さくらまーと": ["さくらマート"]})
    assert store.words_for("ふじわら") == ("富士原", "藤原")
    assert [c.word for c in store.candidates("さくらまーと")] == ["さくらマート"]
    assert WORDS.words_for("ふじわら") == ("藤原",)  # the bundled ones are left as they were


@pytest.mark.parametrize(
    ("reading", "entry", "problem"),
    [
        ("yamada", ["山田"], "not kana"),
        ("やまだ", [], "one or more words"),
        ("やまだ", "山田", "one or more words"),
        ("やまだ", [" "], "empty word"),
        ("やまだ", ["山" * 61], "longer than 60"),
        ("やまだ", ["山\n田"], "control character"),
    ],
)
def test_a_bad_entry_is_refused(reading: str, entry: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        AddresseeWords({reading: entry})  # type: ignore[dict-item]


def test_the_store_adds_words_in_kiosk_toml_and_the_screen_gets_them(tmp_path: Path) -> None:
    path = site(tmp_path, '\n[store.addressee_words]\n"ふじわら" = ["富士原"]\n')
    config = load_config(path, environ={})
    assert config.addressee_words == {"ふじわら": ("富士原",)}
    offered = choices(config).words
    assert offered.words_for("ふじわら") == ("富士原", "藤原")
    assert offered.words_for("さとう") == ("佐藤",)


def test_a_store_reading_that_is_not_kana_names_file_section_and_key(tmp_path: Path) -> None:
    path = site(tmp_path, '\n[store.addressee_words]\n"fujiwara" = ["富士原"]\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: [store.addressee_words]"), message
    assert "'fujiwara' is not kana" in message
