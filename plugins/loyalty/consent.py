"""The purpose-of-use notice (利用目的の通知, APPI Art. 21) shown before enrolment.

The text is versioned: a consent record stores the version, language and SHA-256 of the
exact text the shopper saw, so a later change of wording never rewrites what they agreed to.
The default texts are keys of the plugin's own catalogue (``plugins/loyalty/locale``). A store
may replace the body with ``[plugins.loyalty.purpose]`` (one string per language) and must
then raise ``purpose_version``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kiosk.domain.languages import LANGUAGES
from kiosk.messages import N_
from plugins.loyalty.errors import loyalty_message

PURPOSE_VERSION = "2026-01"

# The notice's words: keys of the plugin's catalogue (plugins/loyalty/locale), one
# translation per shopper language there. Rewording any of them needs a new PURPOSE_VERSION.
PURPOSE_TITLE = N_("How we use your personal data")
PURPOSE_BODY = N_(
    "The details you enter (name, phone number, e-mail; all optional) are used only to "
    "give and redeem points, to recognise you as a member and to answer your enquiries. "
    "They are stored encrypted and never given to third parties. You can ask any "
    "staff member to stop using or delete them at any time."
)


@dataclass(frozen=True, slots=True)
class PurposeNotice:
    """One text as shown: the consent record refers to it by version and digest."""

    version: str
    language: str
    title: str
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body}".encode()).hexdigest()


def purpose_notice(
    language: str, overrides: dict[str, str] | None = None, version: str = PURPOSE_VERSION
) -> PurposeNotice:
    """The notice in ``language`` (falls back to Japanese, the store's legal text)."""
    lang = language if language in LANGUAGES else "ja"
    title = loyalty_message(PURPOSE_TITLE).render(lang)
    body = loyalty_message(PURPOSE_BODY).render(lang)
    if overrides and overrides.get(lang):
        body = overrides[lang]
    return PurposeNotice(version, lang, title, body)
