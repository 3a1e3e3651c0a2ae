"""The purpose-of-use notice (利用目的の通知, APPI Art. 21) shown before enrolment.

The text is versioned: a consent record stores the version, language and SHA-256 of the
exact text the shopper saw, so a later change of wording never rewrites what they agreed to.
The default texts are keys of the plugin's own catalogue (``plugins/loyalty/locale``). A store
may replace the body with ``[plugins.loyalty.purpose]`` (one string per language) and must
then raise ``purpose_version``.

The notice names exactly the data the enrolment screen asks for — the phone number, and the
name only where the store shows members their name (``show_name``) — and every purpose it is
used for, the member number's purchase history (the back office's customer segments and
coupon campaigns) included. The service refuses any field the notice shown did not name.

Version history: ``2026-01`` named "name, phone number, e-mail" although the screen asked
only for the phone (and the name with ``show_name``) and did not mention the purchase
analysis; its records keep their version and digest (``plugins/loyalty/tests``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kiosk.domain.languages import LANGUAGES
from kiosk.messages import N_
from plugins.loyalty.errors import loyalty_message

PURPOSE_VERSION = "2026-02"

# The notice's words: keys of the plugin's catalogue (plugins/loyalty/locale), one
# translation per shopper language there. Rewording any of them needs a new PURPOSE_VERSION.
PURPOSE_TITLE = N_("How we use your personal data")
# the phone number only (the store does not show names: no name is asked for)
PURPOSE_BODY = N_(
    "The phone number you enter (optional) is used only to find your membership when you "
    "type it in. Your member number is used to give and redeem points and, with your "
    "purchases at this store, to choose member offers and coupons. The phone number is "
    "stored encrypted and never given to third parties. You can ask any staff member to "
    "stop using or delete your data at any time."
)
# the phone number and the name (``show_name = true``: the name is shown and on receipts)
PURPOSE_BODY_NAME = N_(
    "The phone number and name you enter (both optional) are used only to find your "
    "membership when you type the number in and to show your name on the screen and on "
    "receipts. Your member number is used to give and redeem points and, with your "
    "purchases at this store, to choose member offers and coupons. Your details are stored "
    "encrypted and never given to third parties. You can ask any staff member to stop "
    "using or delete your data at any time."
)


@dataclass(frozen=True, slots=True)
class PurposeNotice:
    """One text as shown: the consent record refers to it by version and digest."""

    version: str
    language: str
    title: str
    body: str
    fields: tuple[str, ...] = ("phone",)  # the personal data the text names, no other

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body}".encode()).hexdigest()


def purpose_notice(
    language: str,
    overrides: dict[str, str] | None = None,
    version: str = PURPOSE_VERSION,
    *,
    with_name: bool = False,
) -> PurposeNotice:
    """The notice in ``language`` (falls back to Japanese, the store's legal text), naming
    the phone number, and the name too when ``with_name`` (the store's ``show_name``)."""
    lang = language if language in LANGUAGES else "ja"
    title = loyalty_message(PURPOSE_TITLE).render(lang)
    body = loyalty_message(PURPOSE_BODY_NAME if with_name else PURPOSE_BODY).render(lang)
    if overrides and overrides.get(lang):
        body = overrides[lang]
    fields = ("phone", "name") if with_name else ("phone",)
    return PurposeNotice(version, lang, title, body, fields)
