"""GIVEN the return screens' own catalogue (gettext domain ``kiosk.ui.returns``) THEN every
text they show is translated into Japanese, Chinese and Korean, with the same fields, and
the printed return invoice has its labels in all four languages."""

from __future__ import annotations

import re
import string

import pytest

from kiosk import messages
from kiosk.domain.return_receipt_text import LABELS
from kiosk.ui.returns.model import DOMAIN
from kiosk.ui.returns.msgids import msgids


def _words(msgid: str) -> bool:
    """A msgid with words to translate (not only fields and punctuation, nor "OK")."""
    return msgid != "OK" and bool(re.search("[A-Za-z]", re.sub(r"\{[^}]*\}", "", msgid)))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_every_return_screen_text_is_translated(language: str) -> None:
    catalogue = messages.catalogue(DOMAIN, language)
    found = msgids()
    assert len(found) > 40  # the extraction found the screens' texts
    missing = sorted(m for m in found if catalogue.gettext(m) == m and _words(m))
    assert missing == []
    for msgid in found:
        assert _fields(catalogue.gettext(msgid)) == _fields(msgid), msgid
        if language != "ko":  # Korean keeps a few Latin abbreviations (ID, PIN)
            assert not re.search(r"\b(the|and|of|to)\b", catalogue.gettext(msgid)), msgid


def test_the_return_invoice_is_labelled_in_four_languages() -> None:
    assert set(LABELS) == {"ja", "en", "zh-Hans", "ko"}
    keys = set(LABELS["ja"])
    for language, labels in LABELS.items():
        assert set(labels) == keys, language
        for key, text in labels.items():
            assert _fields(text) == _fields(LABELS["en"][key]), (language, key)
