"""Typed errors of the hand-off and the attendant actions; each says what to do."""

from __future__ import annotations


class HandOffError(RuntimeError):
    """Base class of everything that can go wrong handing a basket off."""


class ForgedTicket(HandOffError):
    """The hand-off code does not verify with the store key: not ours, or altered. Call staff."""


class TicketExpired(HandOffError):
    """The hand-off ticket is older than its time limit: the staff station must register again."""


class TicketAlreadyUsed(HandOffError):
    """This hand-off was already paid at this kiosk; a second payment is refused."""


class TicketTooLarge(HandOffError):
    """The basket does not fit a printable QR code: split it or use the store server."""


class UnknownTicketProduct(HandOffError):
    """The ticket names a product this kiosk's catalogue lacks: update master data, call staff."""


class HandOffKeyMissing(HandOffError):
    """No store key is configured: set [plugins.handoff] hmac_key (or the Ed25519 keys)."""


class NothingToHandOff(HandOffError):
    """The station's basket is empty or still waits for staff (age check): finish it first."""


class KioskBusy(HandOffError):
    """The payment kiosk is not idle, so it cannot take a hand-off now."""


class StoreServerUnreachable(HandOffError):
    """The store server did not answer: use the printed hand-off QR instead."""


class NoIdleKiosk(HandOffError):
    """Every payment kiosk is busy: the shopper takes the printed QR to the next free one."""


class ActionRefused(HandOffError):
    """An attendant action that cannot be done in the kiosk's current state (the message says why)."""


class TotalMismatch(HandOffError):
    """The kiosk prices the handed-off basket differently from the station: call staff."""
