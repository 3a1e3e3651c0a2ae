"""The attendant console's data: kiosk reports in, tiles and alerts out, commands queued.

Kiosks report with their token (:mod:`console_api`); staff read and act through the console
(:mod:`console_web`). A kiosk silent for longer than ``offline_after`` is shown offline; one
paying for longer than ``long_paying`` raises an alert. Every console action checks the
signed-in role against :data:`kiosk.attendant_policy.NEEDS` and is audited (hash-chained).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.attendant_policy import NEEDS, Action, AlertKind, Level, ReportedState
from kiosk.backoffice.audit.service import FAILURE, SUCCESS, record
from kiosk.backoffice.console.models import CommandRow, KioskStatusRow, StateLogRow
from kiosk.backoffice.core.errors import InvalidInput, NotAllowed, NotFound
from kiosk.backoffice.core.extensions import ConsolePart
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.sales.schemas import CommandResult, ConsoleReport
from kiosk.backoffice.staff.auth import Role
from kiosk.backoffice.staff.models import StaffRow
from kiosk.domain.text_controls import hidden_controls

TIMELINE = 12
STATES = {s.value for s in ReportedState}
MAX_SECONDS = 7 * 24 * 3600  # a longer "seconds in state" is a kiosk's clock gone wrong
MAX_SKEW = timedelta(days=1)  # a transition time further off is the kiosk's claim, not kept


@dataclass(frozen=True)
class ConsoleSettings:
    offline_after: timedelta = timedelta(seconds=30)
    long_paying: timedelta = timedelta(minutes=3)
    refresh_s: float = 2.0


def _at(text: str | None) -> datetime | None:
    """A time the kiosk claims (checked ISO at the door), for the record only."""
    try:
        at = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return at if at is None or at.tzinfo is None else None  # compared with the local clock


# --- kiosk → back office ----------------------------------------------------------------------


def apply_report(
    session: Session,
    kiosk: KioskRow,
    body: ConsoleReport,
    now: datetime,
    parts: Sequence[tuple[ConsolePart, Any]] = (),
) -> list[dict[str, Any]]:
    """Store a kiosk's report (checked at the door); return the commands it should run now.

    ``parts``: each console part with its fields of the report, checked at the door too; the
    part receives them in this transaction."""
    kiosk.last_seen_at = now
    status = session.get(KioskStatusRow, kiosk.kiosk_id)
    if status is None:
        status = KioskStatusRow(
            kiosk_id=kiosk.kiosk_id, state_since=now, reported_at=now, state="idle"
        )
        session.add(status)
    status.role, status.state = body.role, body.state
    status.checkout_state, status.mode = body.checkout_state, body.mode
    status.total, status.items = body.total, body.items
    status.state_since = now - timedelta(seconds=min(body.seconds_in_state, MAX_SECONDS))
    status.health = dict(body.health)
    status.unsent_sales = body.unsent_sales
    status.alerts = [a.model_dump() for a in body.alerts]
    status.lines = [line.model_dump() for line in body.lines]
    status.reported_at = now
    origin = f"kiosk:{kiosk.kiosk_id}"
    for t in body.transitions:
        at = _at(t.at) or now
        session.add(
            StateLogRow(
                kiosk_id=kiosk.kiosk_id,
                at=at if abs(at - now) <= MAX_SKEW else now,
                old=t.old,
                new=t.new,
                trigger=t.trigger or "",
                received_at=now,
            )
        )
    for entry in body.audit:  # staff PIN actions done at the kiosk
        # Who and when are the kiosk's claims: the row's actor is the kiosk (its token) and
        # its time the back office's clock, so a kiosk cannot write rows for anyone, any day.
        detail = {
            "claimed_staff_id": entry.staff_id,
            "kiosk_at": entry.at,
            "via": entry.via,
            "detail": entry.detail,
            "args": entry.args,
            "sale_id": entry.sale_id,
        }
        record(
            session,
            now,
            origin,
            f"kiosk.{entry.action}",
            kiosk.kiosk_id,
            detail,
            result=SUCCESS if entry.ok else FAILURE,
            origin=origin,
        )
    for part, fields in parts:
        if part.receive is not None:
            part.receive(session, kiosk, fields, now)
    for result in body.results:
        _command_result(session, kiosk.kiosk_id, result, now)
    pending = list(
        session.scalars(
            select(CommandRow)
            .where(CommandRow.kiosk_id == kiosk.kiosk_id, CommandRow.state == "pending")
            .order_by(CommandRow.id)
        )
    )
    for command in pending:
        command.state = "sent"
    return [{"id": c.id, "action": c.action, "args": c.args, "by": c.by} for c in pending]


def _command_result(session: Session, kiosk_id: str, result: CommandResult, now: datetime) -> None:
    command = session.get(CommandRow, result.id)
    if command is None or command.kiosk_id != kiosk_id or command.state not in ("sent", "pending"):
        return
    command.state, command.detail, command.done_at = (
        ("done" if result.ok else "failed"),
        result.detail or "",
        now,
    )
    record(
        session,
        now,
        command.by,
        f"console.{command.action}",
        kiosk_id,
        {"command_id": command.id, "args": command.args, "detail": command.detail, "stage": "done"},
        result=SUCCESS if result.ok else FAILURE,
        origin=f"kiosk:{kiosk_id}",
    )


# --- console → kiosk ----------------------------------------------------------------------------


def _validated_args(action: Action, args: dict[str, Any]) -> dict[str, Any]:
    try:
        if action is Action.VOID_LINE:
            return {"line_id": int(args["line_id"])}
        if action is Action.OVERRIDE_PRICE:
            return {"line_id": int(args["line_id"]), "price": int(args["price"])}
        if action is Action.MESSAGE:
            text = str(args["text"]).strip()
            if not text:
                raise ValueError("empty")
            # the shopper reads it on the kiosk: an override or control character would
            # make it read differently there (and in the audit log) from what was typed
            if problem := hidden_controls(text):
                raise ValueError(problem)
            return {"text": text[:200]}
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"{action.value}: missing or bad argument ({exc})") from None
    return {}


def enqueue(
    session: Session,
    kiosk_id: str,
    action_name: str,
    args: dict[str, Any],
    staff: StaffRow,
    now: datetime,
    origin: str,
) -> CommandRow:
    """Queue a console action for a kiosk after checking the role; audited either way."""
    try:
        action = Action(action_name)
    except ValueError:
        raise InvalidInput(
            f"action {action_name!r}: one of {', '.join(a.value for a in Action)}"
        ) from None
    if session.get(KioskRow, kiosk_id) is None:
        raise NotFound(f"no kiosk {kiosk_id!r}")
    needed = Role.MANAGER if NEEDS[action] is Level.MANAGER else Role.ATTENDANT
    if not Role(staff.role).allows(needed):
        raise NotAllowed(f"{staff.username} is {staff.role}; {action.value} needs {needed.value}")
    clean = _validated_args(action, args)
    command = CommandRow(
        kiosk_id=kiosk_id,
        action=action.value,
        args=clean,
        by=staff.username,
        state="pending",
        detail="",
        created_at=now,
    )
    session.add(command)
    session.flush()
    record(
        session,
        now,
        staff.username,
        f"console.{action.value}",
        kiosk_id,
        {"command_id": command.id, "args": clean, "stage": "queued"},
        origin=origin,
    )
    return command


def audit_refusal(
    session: Session,
    staff: StaffRow | None,
    kiosk_id: str,
    action: str,
    reason: str,
    now: datetime,
    origin: str,
) -> None:
    record(
        session,
        now,
        staff.username if staff else "?",
        f"console.{action}"[:64],
        kiosk_id,
        {"stage": "refused", "reason": reason},
        result=FAILURE,
        origin=origin,
    )


# --- what the console shows ---------------------------------------------------------------------


def snapshot(
    session: Session,
    now: datetime,
    settings: ConsoleSettings,
    parts: Sequence[ConsolePart] = (),
) -> dict[str, Any]:
    """What the console shows now: tiles, alerts, and each console part's value by its name
    (the parts' first: one may change rows, such as expiring hand-offs, that tiles show)."""
    extra = {part.name: part.snapshot(session, now) for part in parts if part.snapshot}
    session.flush()
    tiles = []
    for kiosk in session.scalars(
        select(KioskRow).where(KioskRow.revoked_at.is_(None)).order_by(KioskRow.kiosk_id)
    ):
        tiles.append(
            _tile(session, kiosk, session.get(KioskStatusRow, kiosk.kiosk_id), now, settings)
            | {"fields": _fields(session, kiosk.kiosk_id, now, parts)}
        )
    alerts = [
        {"key": f"{t['kiosk_id']}:{a['kind']}", "kiosk_id": t["kiosk_id"], **a}
        for t in tiles
        for a in t["alerts"]
    ]
    return {
        "at": now.isoformat(timespec="seconds"),
        "kiosks": tiles,
        "alerts": alerts,
        **extra,
    }


def _fields(
    session: Session, kiosk_id: str, now: datetime, parts: Sequence[ConsolePart]
) -> list[dict[str, str]]:
    """The figures console parts add to a kiosk's tile (plain text: the page shows text)."""
    return [
        {"key": f.key, "label": f.label, "value": f.value}
        for part in parts
        if part.tile
        for f in part.tile(session, kiosk_id, now)
    ]


def _tile(
    session: Session,
    kiosk: KioskRow,
    status: KioskStatusRow | None,
    now: datetime,
    settings: ConsoleSettings,
) -> dict[str, Any]:
    log = list(
        session.scalars(
            select(StateLogRow)
            .where(StateLogRow.kiosk_id == kiosk.kiosk_id)
            .order_by(StateLogRow.id.desc())
            .limit(TIMELINE)
        )
    )
    tile: dict[str, Any] = {
        "kiosk_id": kiosk.kiosk_id,
        "name": kiosk.name or kiosk.kiosk_id,
        "timeline": [
            {"old": s.old, "new": s.new, "at": s.at.strftime("%H:%M:%S")} for s in reversed(log)
        ],
    }
    if status is None:
        return tile | {
            "state": "offline",
            "role": "",
            "mode": "",
            "total": 0,
            "items": 0,
            "seconds_in_state": 0,
            "health": {},
            "unsent_sales": 0,
            "alerts": [{"kind": AlertKind.OFFLINE.value, "detail": "never reported"}],
            "lines": [],
            "last_report": "",
        }
    offline = now - status.reported_at > settings.offline_after
    alerts = [] if offline else list(status.alerts)
    if offline:
        alerts.append(
            {
                "kind": AlertKind.OFFLINE.value,
                "detail": f"silent since {status.reported_at:%H:%M:%S}",
            }
        )
    elif status.state == "paying" and now - status.state_since > settings.long_paying:
        alerts.append(
            {
                "kind": AlertKind.LONG_PAYING.value,
                "detail": f"paying for {int((now - status.state_since).total_seconds() // 60)} min",
            }
        )
    return tile | {
        "state": "offline" if offline else status.state,
        "checkout_state": status.checkout_state,
        "role": status.role,
        "mode": status.mode,
        "total": status.total,
        "items": status.items,
        "seconds_in_state": int(
            (now - (status.reported_at if offline else status.state_since)).total_seconds()
        ),
        "health": status.health,
        "unsent_sales": status.unsent_sales,
        "alerts": alerts,
        "lines": status.lines,
        "last_report": status.reported_at.strftime("%H:%M:%S"),
    }
