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


def waiting_text(alert: SyncAlert, t: Callable[[str], str], now: datetime) -> str:
    """How many sales wait on this kiosk, since when (store clock); '' when none."""
    if alert.unsent <= 0:
        return ""
    since = since_text(alert.oldest_unsent_at or alert.at, now)
    if alert.unsent == 1:
        return t("One sale waiting on this kiosk since {time}").format(time=since)
    return t("{count} sales waiting on this kiosk since {time}").format(
        count=alert.unsent, time=since
    )


def action_text(alert: SyncAlert, t: Callable[[str], str], kiosk_id: str) -> str:
    """What staff do about ``alert``; the commands are the operator's, so they stay as typed."""
    if alert.kind == "backlog":
        return t(
            "Check the back office server and the store network; the sales go by themselves "
            "once it answers."
        )
    if alert.kind == "revoked":
        # the command on a line of its own: a wrap inside it reads as two commands
        return (
            t(
                "Re-enrol this kiosk on the back office and put the new token in its "
                "kiosk.toml; sending resumes by itself, no restart:"
            )
            + f"\nkiosk-backoffice enrol-kiosk {kiosk_id}"
        )
    if alert.kind == "rejected" and not alert.stopped:
        return t("The other sales go on. See it with {command}.").format(
            command="kiosk outbox list"
        )
    return t("Call support. Do not reset or re-image this kiosk: the sales are kept on it.")


def overlay_text(
    alerts: tuple[SyncAlert, ...] | list[SyncAlert],
    t: Callable[[str], str],
    language: str,
    kiosk_id: str,
    now: datetime,
) -> str:
    """The staff overlay's account of the standing alerts, newest last: what happened (as
    on the problem bar), when it was reported and how many sales wait since when (store
    clock), and what to do. '' when the relay has no problem."""
    blocks = []
    for alert in alerts:
        lines = [
            staff_text(alert, t, language),
            t("Reported at {time}").format(time=since_text(alert.at, now)),
        ]
        if alert.kind != "backlog":  # the backlog's own line already counts them
            lines.append(waiting_text(alert, t, now))
        lines.append(action_text(alert, t, kiosk_id))
        blocks.append("\n".join(line for line in lines if line))
    return "\n".join(blocks)
