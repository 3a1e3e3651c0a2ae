"""Typed errors of the back office; each says what to do about it."""

from __future__ import annotations


class BackofficeError(RuntimeError):
    """Base class; ``status`` is the HTTP status the API answers with."""

    status = 400


class UnknownKiosk(BackofficeError):
    """No kiosk with this id is enrolled: run ``kiosk-backoffice enrol-kiosk``."""

    status = 401


class BadKioskToken(BackofficeError):
    """The kiosk's token does not match: re-enrol the kiosk to issue a new one."""

    status = 401


class KioskRevoked(BackofficeError):
    """This kiosk was revoked by staff; it may not sync until re-enrolled."""

    status = 403


class SequenceGap(BackofficeError):
    """The batch starts after a seq the back office has not seen: resend from ``expected``."""

    status = 409

    def __init__(self, kiosk_id: str, expected: int, got: int) -> None:
        super().__init__(
            f"{kiosk_id}: expected outbox seq {expected}, got {got}; resend from {expected}"
        )
        self.kiosk_id, self.expected, self.got = kiosk_id, expected, got


class BadSaleDocument(BackofficeError):
    """A sale payload lacks fields the back office needs; the kiosk build is too old?"""

    status = 422


class LoginFailed(BackofficeError):
    """Wrong user name or password (deliberately not saying which)."""

    status = 401


class TooManyLoginAttempts(BackofficeError):
    """Too many failed sign-ins for this account or from this address: wait and try again.

    ``retry_after`` (seconds) is sent as the HTTP ``Retry-After`` header.
    """

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotAllowed(BackofficeError):
    """The signed-in staff member's role does not allow this."""

    status = 403


class NotFound(BackofficeError):
    status = 404


class InvalidInput(BackofficeError):
    """A form or API field is missing or malformed; the message names it."""

    status = 422
