"""Four shopper languages from gettext catalogues (``kiosk/locale/<lang>/LC_MESSAGES``).

The ``.po`` files are the source; they are compiled in memory with Babel at start-up
(:mod:`kiosk.messages`, which also translates the domain's and plugins' messages), so
neither Debian's gettext nor committed ``.mo`` files are needed. A theme's
``[strings.<lang>]`` table overrides single messages.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from kiosk import messages
from kiosk.messages import Message

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "kiosk"

# Shown on the language buttons in their own script, whatever the current language is.
LANGUAGE_NAMES = {"ja": "日本語", "en": "English", "zh-Hans": "简体中文", "ko": "한국어"}


# the mark a list of names is written with, in each language: 現金・電子マネー, 现金、电子钱包
CJK_LIST_MARKS = {"ja": "・", "zh-Hans": "、"}


def list_text(names: list[str], language: str) -> str:
    """``names`` as one list in ``language``: "A・B" (ja), "A、B" (zh-Hans), "A, B and C"
    (en), "A, B, C" (ko)."""
    if language in CJK_LIST_MARKS:
        return CJK_LIST_MARKS[language].join(names)
    if language == "en" and len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names)


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled core catalogue for ``language`` (English msgids pass through if none)."""
    return messages.catalogue(DOMAIN, language)


class Translator:
    """``t("Pay")`` in the current language, with the theme's overrides first."""

    def __init__(self, overrides: dict[str, dict[str, str]] | None = None) -> None:
        self.overrides = overrides or {}

    def __call__(self, msgid: str, language: str, domain: str = DOMAIN) -> str:
        """``msgid`` of ``domain`` (the core's, or a plugin's own) in ``language``."""
        if domain != DOMAIN:
            return messages.catalogue(domain, language).gettext(msgid)
        override = self.overrides.get(language, {}).get(msgid)
        if override:
            return override
        return catalogue(language).gettext(msgid)

    def render(self, message: Message, language: str) -> str:
        """A :class:`~kiosk.messages.Message` from the domain or a plugin, translated."""
        return messages.render(message, language, self.overrides)
