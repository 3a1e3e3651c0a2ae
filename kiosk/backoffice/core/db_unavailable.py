"""A database write that failed for a reason of the server's (disk full, I/O error, locked
too long, the PostgreSQL server gone): a 503 with ``Retry-After``, not a 500.

Nothing was applied (the transaction rolled back), so the kiosk keeps its events in its
outbox and sends them again (:mod:`kiosk.sync.relay` treats any 5xx as "later", with
backoff). One log line says what failed; its traceback only at debug level, since a full
disk fails every request until someone frees space and would flood the log.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError

from kiosk.backoffice.core.errors import BackofficeError

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5


class DatabaseUnavailable(BackofficeError):
    """The database could not take the write (disk full, I/O error, locked): nothing was
    stored; send it again later (see Retry-After)."""

    status = 503
    retry_after = RETRY_AFTER_S


def unavailable(exc: OperationalError, where: str) -> DatabaseUnavailable:
    """Log ``exc`` in one line (its traceback at debug) and the error to answer with."""
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
    log.error("database write failed at %s: %s; answered 503, nothing stored", where, reason)
    log.debug("database write failure at %s", where, exc_info=exc)
    return DatabaseUnavailable(
        f"the back office's database cannot take writes now ({reason}); nothing was stored, "
        f"send it again in {RETRY_AFTER_S} s"
    )
