"""The back office relay's alerts as problem-bar entries: what staff read on the kiosk.

A backlog (sales not sent for a while) concerns staff only: the shopper's line stays empty and
the bar leaves when the sales went. A refused token, a gap or a refused sale need staff to
act: the shopper reads only that staff have been told. Times are the store's wall clock (the
relay's clock is the runtime's, ``[store] time_zone``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from kiosk.runtime.sync_alerts import SyncAlert
from kiosk.ui.basket_view import labelled_text


def since_text(oldest: datetime, now: datetime) -> str:
    """HH:MM for today's oldest sale, the date too for an older one."""
    return f"{oldest:%H:%M}" if oldest.date() == now.date() else f"{oldest:%Y-%m-%d %H:%M}"


def staff_text(alert: SyncAlert, t: Callable[[str], str], language: str) -> str:
    """What staff are told about ``alert``, in ``language`` (``t`` translates into it)."""
    if alert.kind == "backlog":
        oldest = alert.oldest_unsent_at or alert.at
        since = since_text(oldest, alert.at)
        if alert.unsent == 1:
            return t("One sale not sent since {time} — is the back office down?").format(time=since)
        return t("{count} sales not sent since {time} — is the back office down?").format(
            count=alert.unsent, time=since
        )
    if alert.kind == "revoked":
        reason = t("this kiosk's token was refused — re-enrol it")
    elif alert.kind == "gap":
        reason = t("the back office lacks sales this kiosk no longer has — call support")
    elif alert.stopped:  # a batch refused as a whole: nothing more goes
        reason = t("the back office refused them as malformed — call support")
    else:  # one sale refused and parked; the others go on
        return labelled_text(
            t("The back office refused a sale"),
            t("it is kept on this kiosk — kiosk outbox list"),
            language,
        )
    return labelled_text(t("Sales are not reaching the back office"), reason, language)


def sync_problem(alert: SyncAlert, t: Callable[[str], str], language: str) -> dict:
    """The problem bar's entry for ``alert`` (``sync``: the alert's number)."""
    shopper = "" if alert.kind == "backlog" else t("Staff have been told.")
    return {"shopper": shopper, "staff": staff_text(alert, t, language), "sync": alert.number}
