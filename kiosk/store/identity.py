"""Store identity (端末データの同一性): notice a database that was emptied, replaced or put back.

Each local database gets a random *instance id* when it is created (config
``store.instance``); the outbox relay sends it with every batch so the back office keeps the
sales of a new or restored database instead of taking them for resends
(:mod:`kiosk.backoffice.kiosks.identity`).

A *marker file* next to the database (``kiosk.sqlite3.identity``) is written when the data
directory is first used and is kept outside the database, so replacing or emptying the file
does not replace it. It holds the instance id and the highest journal row this data
directory has issued (the high-water mark, raised after every sale). At start-up the kiosk refuses to sell, until
staff confirm (``kiosk store confirm-new --reason …``), when

* the database's instance id is not the marker's: the file was deleted, emptied or replaced;
* the newest receipt number is below the marker's: an older copy was put back (its receipt
  numbers would be issued twice);
* the back office's journal anchor (when reachable) is not in this journal: the kiosk once
  had a longer or another journal (re-imaged, the marker gone with it).

Receipt numbers rather than journal rows measure the older copy because the kiosk journals
its own problems: a refused kiosk's journal grows, its receipt numbers do not.

``kiosk journal verify`` and ``kiosk doctor`` report the same problems (exit 1).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kiosk.messages import Message
from kiosk.private_files import create_private
from kiosk.store.models import JournalRow

if TYPE_CHECKING:
    from kiosk.store.anchor import Anchor
    from kiosk.store.local import LocalStore

log = logging.getLogger(__name__)

INSTANCE_KEY = "store.instance"
CONFIRMED_KEY = "store.identity_confirmed"
PROBLEM_KIND = "store_identity_problem"
CONFIRM_KIND = "store_identity_confirmed"
MARKER_SUFFIX = ".identity"


class IdentityError(ValueError):
    """Staff input the confirmation cannot take (e.g. no reason given)."""


@dataclass(frozen=True, slots=True)
class Marker:
    instance_id: str
    created_at: str
    last_receipt: int  # the highest receipt number this data directory has issued

    def to_json(self) -> dict[str, Any]:
        return {
            "instance_id": self.instance_id,
            "created_at": self.created_at,
            "last_receipt": self.last_receipt,
        }


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """The store against its marker (and the back office's anchor); empty problems: fine."""

    instance_id: str
    head: int
    problems: tuple[tuple[str, Message], ...] = field(default=())  # (code, message key)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self, language: str) -> str:
        """The problems (or that the store is fine) in ``language``, from the catalogue."""
        if self.ok:
            fine = Message.of(
                "store instance {instance} OK ({rows} journal rows)",
                instance=self.instance_id[:8],
                rows=self.head,
            )
            return fine.render(language)
        return " ".join(message.render(language) for _, message in self.problems)

    @property
    def message(self) -> str:
        """Staff read it side by side in Japanese and English (CLI, the staff overlay)."""
        return " / ".join(self.text(language) for language in ("ja", "en"))

    @property
    def codes(self) -> list[str]:
        return [code for code, _ in self.problems]


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + MARKER_SUFFIX)


def read_marker(db_path: Path) -> Marker | None:
    """The marker, ``None`` if absent; a damaged one reads as an unknown instance."""
    path = marker_path(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Marker(str(data["instance_id"]), str(data["created_at"]), int(data["last_receipt"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.error("store identity marker %s unreadable: %s", path, exc)
        return Marker("(unreadable)", "", 0)


def write_marker(db_path: Path, marker: Marker) -> None:
    path = marker_path(db_path)
    tmp = path.with_name(path.name + ".tmp")
    with os.fdopen(create_private(tmp), "w", encoding="utf-8") as out:  # 0600, like the store
        out.write(json.dumps(marker.to_json()))
    os.replace(tmp, path)  # never half a marker


def journal_head(store: LocalStore) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.max(JournalRow.seq))) or 0


def open_instance(store: LocalStore, now: datetime | None = None) -> str:
    """The database's instance id, made (with the marker, if the directory has none) when new.

    An existing marker is never overwritten here: a mismatch is what :func:`check` reports.
    """
    value = store.get_config(INSTANCE_KEY)
    if not isinstance(value, dict) or not value.get("id"):
        value = {"id": str(uuid.uuid4()), "created_at": (now or datetime.now()).isoformat()}
        store.set_config(INSTANCE_KEY, value)
        log.info("new store instance %s in %s", value["id"], store.path)
    if read_marker(store.path) is None:
        try:
            write_marker(store.path, Marker(value["id"], value["created_at"], last_receipt(store)))
        except OSError as exc:  # a read-only directory must not stop the kiosk; check says so
            log.error("store identity marker not written: %s", exc)
    return str(value["id"])


def last_receipt(store: LocalStore) -> int:
    return store.next_receipt_no() - 1


def note_sale(store: LocalStore) -> None:
    """Raise the marker's high-water mark to the newest receipt (after a sale; best effort)."""
    try:
        marker = read_marker(store.path)
        if marker is None or marker.instance_id != store.instance_id:
            return  # a mismatch stays for staff to confirm
        newest = last_receipt(store)
        if newest > marker.last_receipt:
            write_marker(store.path, Marker(marker.instance_id, marker.created_at, newest))
    except Exception:  # the sale is committed; the marker only lags behind
        log.exception("store identity marker not updated")


def accepted_anchors(store: LocalStore) -> list[dict[str, Any]]:
    """Back-office anchors staff accepted as gone with the old database."""
    confirmations = store.get_config(CONFIRMED_KEY) or []
    return [c["anchor"] for c in confirmations if c.get("anchor")]


def check(store: LocalStore, remote_anchor: Anchor | None = None) -> IdentityCheck:
    """The store against its marker and, if given, the back office's journal anchor."""
    from kiosk.store import anchor as anchors  # imports LocalStore: not at module level

    head = journal_head(store)
    problems: list[tuple[str, Message]] = []
    marker = read_marker(store.path)
    if marker is None:
        problems.append(
            (
                "no_marker",
                Message.of(
                    "the store's identity marker {name} is missing",
                    name=marker_path(store.path).name,
                ),
            )
        )
    elif marker.instance_id != store.instance_id:
        problems.append(
            (
                "replaced",
                Message.of(
                    "the database is not the one this kiosk created (deleted, emptied or "
                    "replaced): earlier sales and receipt numbers are not in it"
                ),
            )
        )
    elif last_receipt(store) < marker.last_receipt:
        newest = last_receipt(store)
        problems.append(
            (
                "older_copy",
                Message.of(
                    "the newest receipt here is No. {newest} but this kiosk had issued No. "
                    "{issued}: an older copy of the database was put back (receipt numbers "
                    "would be issued twice)",
                    newest=newest,
                    issued=marker.last_receipt,
                ),
            )
        )
    if remote_anchor is not None and remote_anchor.to_json() not in accepted_anchors(store):
        held = anchors.check(store, remote_anchor, anchors.BACK_OFFICE)
        if held.problem is not None:
            problems.append(("anchor", held.problem))
    return IdentityCheck(store.instance_id, head, tuple(problems))


def confirm_new(
    store: LocalStore, reason: str, at: datetime, remote_anchor: Anchor | None = None
) -> dict[str, Any]:
    """Staff confirm this database is the kiosk's from now on; recorded and journaled.

    The marker takes this instance and head; a back-office anchor beyond the head (when
    known) is accepted as gone. Earlier sales are not recovered by this: the back office has
    them, and flags the replaced database until an admin confirms it there too.
    """
    if not reason.strip():
        raise IdentityError("say why the database was replaced: --reason '…'")
    before = check(store, remote_anchor)
    previous = read_marker(store.path)
    entry = {
        "at": at.isoformat(),
        "reason": reason.strip()[:200],
        "instance_id": store.instance_id,
        "previous_instance": previous.instance_id if previous else None,
        "previous_last_receipt": previous.last_receipt if previous else None,
        "last_receipt": last_receipt(store),
        "journal_head": before.head,
        "anchor": remote_anchor.to_json() if remote_anchor else None,
        "problems": before.codes,
    }
    store.set_config(CONFIRMED_KEY, [*(store.get_config(CONFIRMED_KEY) or []), entry])
    store.journal_event(CONFIRM_KIND, entry, at)
    created = str((store.get_config(INSTANCE_KEY) or {}).get("created_at", at.isoformat()))
    write_marker(store.path, Marker(store.instance_id, created, last_receipt(store)))
    log.warning("store identity confirmed by staff: %s", entry["reason"])
    return entry


def record_problem(store: LocalStore, result: IdentityCheck, at: datetime) -> None:
    """Log and journal a failed check (once per distinct problem, not on every start)."""
    log.error("store identity: %s", result.text("en"))
    with store.transaction() as session:
        last = session.scalars(
            select(JournalRow).where(JournalRow.kind == PROBLEM_KIND)
            .order_by(JournalRow.seq.desc()).limit(1)
        ).first()  # fmt: skip
    if last is not None and json.loads(last.payload).get("problems") == result.codes:
        return
    store.journal_event(
        PROBLEM_KIND,
        {"problems": result.codes, "instance": result.instance_id, "en": result.text("en")},
        at,
    )
