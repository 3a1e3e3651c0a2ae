"""Four shopper languages from gettext catalogues (``kiosk/locale/<lang>/LC_MESSAGES``).

The ``.po`` files are the source; they are compiled in memory with Babel at start-up, so
neither Debian's gettext nor committed ``.mo`` files are needed. A theme's
``[strings.<lang>]`` table overrides single messages.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "kiosk"

# Shown on the language buttons in their own script, whatever the current language is.
LANGUAGE_NAMES = {"ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어"}
_BABEL_LOCALE = {"ja": "ja", "en": "en", "zh-Hans": "zh_Hans", "ko": "ko"}


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue for ``language`` (English msgids pass through if none)."""
    path = po_path(language)
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        po = read_po(handle, locale=_BABEL_LOCALE.get(language, "en"), domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """``t("Pay")`` in the current language, with the theme's overrides first."""

    def __init__(self, overrides: dict[str, dict[str, str]] | None = None) -> None:
        self.overrides = overrides or {}

    def __call__(self, msgid: str, language: str) -> str:
        override = self.overrides.get(language, {}).get(msgid)
        if override:
            return override
        return catalogue(language).gettext(msgid)
