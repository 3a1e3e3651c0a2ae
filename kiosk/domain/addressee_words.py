"""Kana → kanji for the 宛名 of a 領収書: a small dictionary, not an input method.

A shop's addressees are a few kinds of word: company forms (株式会社, 有限会社, 合同会社),
the honorifics (様, 御中, 上様), department words and surnames. The kiosk's kana pad types
the reading; :meth:`AddresseeWords.candidates` offers the words whose reading is the kana at
the end of what is typed (or begins with it, from two letters on), and
:func:`apply` puts the chosen one in place of that kana. Readings are compared in hiragana,
so katakana typed on the pad converts too.

The bundled words are ``kiosk/data/addressee_words.toml`` (its header says how to add to
it; :func:`kiosk.runtime.formal_receipt.bundled_words` reads it); a store adds its own under
``[store.addressee_words]`` in kiosk.toml, and those come first for a reading.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kiosk.domain.formal_receipt import MAX_TEXT, has_control_character
from kiosk.domain.kana import hiragana, is_kana

__all__ = [
    "AddresseeWords",
    "Candidate",
    "apply",
    "check_entry",
    "hiragana",
    "is_reading",
    "parse_words",
]

MAX_WORD = MAX_TEXT  # a 領収書 addressee's bound (kiosk.domain.formal_receipt.FormalReceiptRequest)
MIN_PREFIX = 2  # a reading is completed from this many letters: one would offer too much


def is_reading(text: str) -> bool:
    """Whether ``text`` is all kana (hiragana, katakana or ー): what the pad types."""
    return bool(text) and all(is_kana(c) for c in text)


@dataclass(frozen=True, slots=True)
class Candidate:
    """``word`` replaces the last ``replaces`` characters of the typed text."""

    word: str
    replaces: int


def apply(text: str, candidate: Candidate) -> str:
    """``text`` with the kana the candidate was found for replaced by its word."""
    return text[: len(text) - candidate.replaces] + candidate.word


class AddresseeWords:
    """Readings (hiragana) → words, the likeliest first."""

    def __init__(self, entries: Mapping[str, Sequence[str]]) -> None:
        self._words: dict[str, tuple[str, ...]] = {}
        for reading, words in entries.items():
            check_entry(reading, words)
            key = hiragana(reading)
            known = self._words.get(key, ())
            self._words[key] = known + tuple(w for w in words if w not in known)

    def __len__(self) -> int:
        return len(self._words)

    def words_for(self, reading: str) -> tuple[str, ...]:
        return self._words.get(hiragana(reading), ())

    def with_store_words(self, entries: Mapping[str, Sequence[str]]) -> AddresseeWords:
        """This dictionary with a store's words added; the store's come first for a reading."""
        merged: dict[str, list[str]] = {}
        for reading, words in entries.items():
            check_entry(reading, words)
            merged.setdefault(hiragana(reading), []).extend(words)
        for reading, words in self._words.items():
            merged.setdefault(reading, []).extend(w for w in words if w not in merged[reading])
        return AddresseeWords(merged)

    def candidates(self, text: str, limit: int = 6) -> list[Candidate]:
        """Words for the kana at the end of ``text``: longest stretch first, each stretch's
        whole readings before the readings it starts (in the dictionary's order, the
        likeliest first); no word twice."""
        tail = len(text)
        while tail > 0 and is_kana(text[tail - 1]):
            tail -= 1
        kana = hiragana(text[tail:])
        found: list[Candidate] = []
        seen: set[str] = set()

        def offer(words: Iterable[str], replaces: int) -> None:
            for word in words:
                if word not in seen and len(found) < limit:
                    seen.add(word)
                    found.append(Candidate(word, replaces))

        for start in range(len(kana)):
            stretch = kana[start:]
            offer(self._words.get(stretch, ()), len(stretch))
            if len(stretch) >= MIN_PREFIX:
                for reading, words in self._words.items():  # in the file's order
                    if reading != stretch and reading.startswith(stretch):
                        offer(words, len(stretch))
        return found


def check_entry(reading: str, words: Sequence[str]) -> None:
    """ValueError unless ``reading`` is kana and each word is a printable addressee part."""
    if not is_reading(reading):
        raise ValueError(f"the reading {reading!r} is not kana (hiragana, katakana, ー)")
    if isinstance(words, str) or not words:
        raise ValueError(f"the reading {reading!r} needs a list of one or more words")
    for word in words:
        if not isinstance(word, str) or not word.strip():
            raise ValueError(f"the reading {reading!r} has an empty word")
        if len(word) > MAX_WORD:
            raise ValueError(f"the word {word!r} is longer than {MAX_WORD} characters")
        if has_control_character(word):
            raise ValueError(f"the word {word!r} has a control character")


def parse_words(text: str) -> AddresseeWords:
    """A dictionary file's text (the ``[words]`` table of kiosk/data/addressee_words.toml)."""
    return AddresseeWords(tomllib.loads(text)["words"])
