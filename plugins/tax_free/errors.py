"""Typed errors of the tax-free plugin. Each message says what the shopper or staff should do.

Every error the shopper can meet carries a :class:`RefusalCode`: the English message is for
logs and staff, the code is what a screen translates (the UI keeps one message per code in
each shopper language, so rewording a message here never changes what the shopper sees).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kiosk.messages import Message

DOMAIN = "plugins.tax_free"  # gettext domain: plugins/tax_free/locale


def tax_free_message(key: str, **params: Any) -> Message:
    """A shopper message of this plugin, translated by the screen (kiosk.messages)."""
    return Message.of(key, DOMAIN, **params)


class RefusalCode(StrEnum):
    """Why tax-free is not possible (or not yet): stable names the UI maps to its messages."""

    NOT_ENABLED = "not_enabled"  # the store has not turned tax-free on at this kiosk
    OLD_RULES = "old_rules"  # sale before 2026-11-01: the staffed counter's job
    BAD_MRZ = "bad_mrz"  # MRZ check digits wrong: misread or altered passport
    UNREADABLE = "unreadable"  # neither an MRZ nor a Visit Japan Web code we can read
    PASSPORT_EXPIRED = "passport_expired"
    RESIDENT = "resident"  # a status of residence that makes the shopper a resident
    LANDED_TOO_LONG = "landed_too_long"  # six months or more since landing
    LANDING_AFTER_SALE = "landing_after_sale"  # landing date later than today: mistyped
    NOT_ABROAD_LONG_ENOUGH = "not_abroad_long_enough"  # Japanese national, < 2 years abroad
    BELOW_MINIMUM = "below_minimum"  # the day's tax-free total is under the minimum
    NO_ELIGIBLE_ITEMS = "no_eligible_items"  # nothing in the sale can be sold tax-free
    FAILED = "failed"  # anything else: try again or call staff


class TaxFreeError(Exception):
    """Base class. ``message`` (a key of this plugin's catalogue) is what the shopper is
    shown, in their language; ``str(exc)`` is the English detail for logs and staff."""

    message: Message = tax_free_message("Tax-free is not possible here. Please call staff.")
    code: RefusalCode = RefusalCode.FAILED


class TaxFreeUnavailable(TaxFreeError):
    """The store has not enabled tax-free sales on this kiosk (``[plugins.tax_free]``)."""

    code = RefusalCode.NOT_ENABLED


class OldRulesNeedCounter(TaxFreeError):
    """A sale dated before 2026-11-01 falls under the old counter-exemption rules.

    Those sales are exempted at the staffed tax-free counter, not at the self-checkout.
    """

    message = tax_free_message("Please go to the staffed tax-free counter for tax-free.")
    code = RefusalCode.OLD_RULES


class NoTaxFreeSession(TaxFreeError):
    """A document or detail was presented, but no tax-free session was started."""


class DocumentUnreadable(TaxFreeError):
    """The passport MRZ or the Visit Japan Web code could not be read; scan it again."""

    message = tax_free_message("That could not be read. Please scan it again.")
    code = RefusalCode.UNREADABLE


class CheckDigitMismatch(DocumentUnreadable):
    """The MRZ check digits do not match: a misread or an altered document."""

    code = RefusalCode.BAD_MRZ

    def __init__(self, fields: list[str]) -> None:
        super().__init__(
            f"MRZ check digit(s) wrong for {', '.join(fields)}: scan the passport again; "
            "if it fails twice, call staff to check the passport by hand"
        )
        self.fields = fields


class NotEligible(TaxFreeError):
    """The shopper is not a tax-free buyer (免税購入対象者); the sale can go on, taxed."""

    message = tax_free_message("You cannot buy tax-free. You can pay as usual.")

    def __init__(self, code: RefusalCode, reason: str, message: Message | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        if message is not None:
            self.message = message


class DocumentExpired(NotEligible):
    """The passport expired before the sale date."""

    def __init__(self, reason: str, message: Message | None = None) -> None:
        super().__init__(RefusalCode.PASSPORT_EXPIRED, reason, message)


class MoreInformationNeeded(TaxFreeError):
    """A field the purchase record needs is missing (landing date, proof of residence abroad)."""

    def __init__(self, field: str, what_to_do: str) -> None:
        super().__init__(f"{field} is needed: {what_to_do}")
        self.field = field


class KeyFileError(TaxFreeError):
    """The personal-data key file is missing or malformed."""


class TransmissionUnavailable(TaxFreeError):
    """The NTA endpoint (or the transmission provider) did not answer; the queue retries."""


class TransmissionRejected(TaxFreeError):
    """The endpoint refused the purchase record; staff must correct it and resend."""


class LedgerError(TaxFreeError):
    """A ledger operation that does not fit the record's state (refund before confirmation…)."""


class RefundFailed(TaxFreeError):
    """The refund channel did not pay out; nothing was paid. Try again or use another channel."""
