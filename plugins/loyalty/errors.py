"""Typed loyalty errors; each message says what to do next."""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message

DOMAIN = "plugins.loyalty"  # gettext domain of the shopper messages: plugins/loyalty/locale


def loyalty_message(key: str, **params: Any) -> Message:
    """A shopper message of this plugin (translated by the screen, kiosk.messages)."""
    return Message.of(key, DOMAIN, **params)


class LoyaltyError(RuntimeError):
    """Base class for loyalty errors."""


class KeyUnavailable(LoyaltyError):
    """The personal-data key is missing or malformed."""


class ConsentRequired(LoyaltyError):
    """Enrolment without a shown purpose-of-use text or without the shopper's agreement."""


class UnknownMember(LoyaltyError):
    """No active member matches the card, QR code or phone number."""


class ForgedMemberCode(LoyaltyError):
    """A member QR code whose tag does not verify (copied, edited or from another store)."""


class NotEnoughPoints(LoyaltyError):
    """The member's balance is lower than the points asked for."""


class NoMemberIdentified(LoyaltyError):
    """A points operation was asked for before a member card, QR or phone was given."""
