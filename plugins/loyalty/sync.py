"""Members and points from the store's other kiosks, pulled from the back office's feed.

* ``member``: an enrolment (or card link) exactly as the enrolling kiosk stored it: the
  AES-GCM blob under the store's key, and keyed digests for phone and card look-ups. This
  kiosk can open it (same key file); the back office cannot.
* ``member_deleted``: an APPI erasure. The member is erased here too (no tombstone is sent
  back) and any later enrolment or points entry for the id is ignored.
* ``points``: a ledger entry, applied once by its ``entry_id``.

After a page, every member whose points went below zero because of it (two kiosks spent
the same points offline) is journaled as ``loyalty_overdraw`` for staff; nothing is
corrected automatically. An entry that cannot be applied is journaled as
``loyalty_sync_problem`` and skipped, so one bad entry never stalls the feed.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from plugins.loyalty import tables as t
from plugins.loyalty.errors import KeyUnavailable
from plugins.loyalty.outbox import UPSERT

log = logging.getLogger(__name__)

LOYALTY_TOPIC = "loyalty"


@dataclass(frozen=True, slots=True)
class Overdraw:
    member_id: str
    debt: int  # points spent at several kiosks that were not there


@dataclass(slots=True)
class FeedReport:
    members: int = 0
    erased: int = 0
    points: int = 0
    overdraws: list[Overdraw] = field(default_factory=list)
    problems: int = 0


class LoyaltyFeed:
    """Applies pages of the ``loyalty`` feed to this kiosk's store."""

    def __init__(self, service: Any) -> None:
        self.service = service
        # the plugin's own tables (members, consents, points) through the runtime's engine:
        # each page entry is one BEGIN IMMEDIATE transaction, as the store's own are
        self.database = service.runtime.database()

    def apply(self, entries: list[dict[str, Any]]) -> FeedReport:
        report = FeedReport()
        debts: dict[str, int] = {}  # member → debt before this page
        for entry in entries:
            kind, payload = entry.get("kind"), entry.get("payload") or {}
            try:
                if kind == "points":
                    member_id = str(payload["member_id"])
                    debts.setdefault(member_id, self._debt(member_id))
                    report.points += self._points(payload)
                elif kind == "member":
                    report.members += self._member(payload)
                elif kind == "member_deleted":
                    report.erased += self._erase(payload)
                else:
                    raise ValueError(f"unknown entry kind {kind!r}")
            except (KeyError, TypeError, ValueError, binascii.Error) as exc:
                report.problems += 1
                self._journal(
                    "loyalty_sync_problem",
                    {
                        "seq": entry.get("seq"),
                        "kind": kind,
                        "problem": f"{type(exc).__name__}: {exc}",
                    },
                )
        for member_id, before in debts.items():
            after = self._debt(member_id)
            if after > before:
                report.overdraws.append(Overdraw(member_id, after))
                self._journal("loyalty_overdraw", {"member_id": member_id, "debt": after})
                log.warning("member %s overdrew %d points across kiosks", member_id, after)
        return report

    # --- entries ---------------------------------------------------------------------------

    def _points(self, p: dict[str, Any]) -> int:
        entry_id, member_id = str(p["entry_id"]), str(p["member_id"])
        row = {
            "entry_id": entry_id,
            "member_id": member_id,
            "kind": str(p["kind"]),
            "points": int(p["points"]),
            "at": datetime.fromisoformat(p["at"]),
            "expires_at": datetime.fromisoformat(p["expires_at"]) if p.get("expires_at") else None,
            "sale_id": p.get("sale_id"),
            "reference": p.get("reference"),
            "kiosk_id": str(p["kiosk_id"]),
        }
        with self.database.begin() as session:
            known = sa.select(t.points.c.id).where(t.points.c.entry_id == entry_id)
            if session.execute(known).first() or self._status(session, member_id) == "deleted":
                return 0
            session.execute(t.points.insert().values(**row))
        return 1

    def _member(self, p: dict[str, Any]) -> int:
        if p.get("op") != UPSERT:
            return 0
        member_id = str(p["member_id"])
        sealed = base64.b64decode(p["sealed"], validate=True) if p.get("sealed") else None
        try:
            if sealed is not None:
                self.service.keys.open(sealed, member_id)
        except KeyUnavailable:
            self._journal(
                "loyalty_sync_problem",
                {
                    "member_id": member_id,
                    "problem": "sealed with another key: give every kiosk of the store the "
                    "same [plugins.loyalty] key file",
                },
            )
        created_at = datetime.fromisoformat(p["created_at"])
        taken: list[tuple[str, str]] = []
        with self.database.begin() as session:
            status = self._status(session, member_id)
            if status == "deleted":
                return 0
            indexes = {
                column: self._free(session, column, p.get(column), member_id, taken)
                for column in ("phone_index", "card_index")
            }
            if status is None:
                session.execute(
                    t.members.insert().values(
                        member_id=member_id,
                        personal=sealed,
                        status="active",
                        kiosk_id=str(p.get("kiosk_id") or ""),
                        created_at=created_at,
                        **indexes,
                    )
                )
                consent = p.get("consent")
                if isinstance(consent, dict):
                    session.execute(
                        t.consents.insert().values(
                            member_id=member_id,
                            version=str(consent["version"]),
                            language=str(consent["language"]),
                            text_sha256=str(consent["text_sha256"]),
                            agreed_at=datetime.fromisoformat(consent["agreed_at"]),
                            kiosk_id=str(consent.get("kiosk_id") or ""),
                        )
                    )
            else:
                session.execute(
                    t.members.update()
                    .where(t.members.c.member_id == member_id)
                    .values(personal=sealed, **indexes)
                )
        for column, holder in taken:
            self._journal(
                "loyalty_duplicate_member",
                {"member_id": member_id, "other_member_id": holder, "index": column},
            )
        return 1

    def _erase(self, p: dict[str, Any]) -> int:
        member_id = str(p["member_id"])
        at = datetime.fromisoformat(p["deleted_at"])
        with self.database.begin() as session:
            status = self._status(session, member_id)
            if status is None:  # never seen here: remember the id so nothing revives it
                session.execute(
                    t.members.insert().values(
                        member_id=member_id,
                        status="deleted",
                        kiosk_id="",
                        created_at=at,
                        deleted_at=at,
                    )
                )
        if status != "active":
            return 0
        self.service.directory.erase(member_id, at, propagate=False)
        if self.service.runtime.member_id == member_id:
            self.service.runtime.member_id = None
        self._journal(
            "loyalty_member_erased", {"member_id": member_id, "requested_at": p["deleted_at"]}
        )
        return 1

    # --- internals -------------------------------------------------------------------------

    def _debt(self, member_id: str) -> int:
        return self.service.ledger.balance(member_id, self.service.now).debt

    @staticmethod
    def _free(
        session: Any, column: str, digest: Any, member_id: str, taken: list[tuple[str, str]]
    ) -> str | None:
        """``digest`` unless another member holds it (the same phone enrolled at two kiosks
        offline): then the look-up stays with the first, and ``taken`` tells staff."""
        if not digest:
            return None
        holder = session.execute(
            sa.select(t.members.c.member_id).where(
                t.members.c[column] == digest, t.members.c.member_id != member_id
            )
        ).first()
        if holder is None:
            return str(digest)
        taken.append((column, holder.member_id))
        return None

    @staticmethod
    def _status(session: Any, member_id: str) -> str | None:
        query = sa.select(t.members.c.status).where(t.members.c.member_id == member_id)
        row = session.execute(query).first()
        return row.status if row else None

    def _journal(self, kind: str, payload: dict[str, Any]) -> None:
        self.service.runtime.journal(kind, payload)  # stamped with the store clock
