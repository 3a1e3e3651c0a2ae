"""Journal anchors (アンカー): catch a cut tail or an older copy of the kiosk's database.

The hash chain (:mod:`kiosk.store.journal`) proves that no row *inside* the journal was
changed, but a journal whose newest rows were removed, or a whole database file put back
from an older copy, still verifies. An anchor is a (seq, hash) of this kiosk's journal that
the back office acknowledged; it lives outside the chain (here in the store's config, and
in the back office), so the journal must still hold that row with that hash.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from kiosk.messages import Message
from kiosk.store.local import LocalStore
from kiosk.store.models import JournalRow

log = logging.getLogger(__name__)

CONFIG_KEY = "journal_anchor"
PROBLEM_KIND = "journal_anchor_problem"
_HASH = re.compile(r"[0-9a-f]{64}")
LOCAL, BACK_OFFICE = "local", "back office"
_HOLDER = {LOCAL: Message.of("this kiosk"), BACK_OFFICE: Message.of("the back office")}


class BadAnchor(ValueError):
    """An anchor that is not ``{"seq": n >= 1, "hash": 64 hex digits}``."""


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    hash: str

    @classmethod
    def from_json(cls, data: Any) -> Anchor:
        if not isinstance(data, dict):
            raise BadAnchor('expected {"seq": n, "hash": "<64 hex digits>"}')
        seq, digest = data.get("seq"), data.get("hash")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise BadAnchor(f"seq must be a whole number >= 1, not {seq!r}")
        if not isinstance(digest, str) or not _HASH.fullmatch(digest):
            raise BadAnchor("hash must be 64 lowercase hex digits")
        return cls(seq, digest)

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


@dataclass(frozen=True, slots=True)
class AnchorCheck:
    """The journal against one anchor; ``problem`` (a message key) is None when it holds."""

    anchor: Anchor
    source: str  # LOCAL (this kiosk's config) or BACK_OFFICE
    problem: Message | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def text(self, language: str) -> str:
        """The problem (or that the anchor holds) in ``language``, from the catalogue."""
        if self.problem is not None:
            return self.problem.render(language)
        holder = _HOLDER[self.source]
        ok = Message.of(
            "anchor kept by {holder} at row {seq} OK", holder=holder, seq=self.anchor.seq
        )
        return ok.render(language)

    @property
    def message(self) -> str:
        """Staff read it side by side in Japanese and English (CLI, logs)."""
        return " / ".join(self.text(language) for language in ("ja", "en"))


def head(store: LocalStore) -> Anchor | None:
    """The newest journal row as an anchor (``None`` while the journal is empty)."""
    with store.transaction() as session:
        row = session.scalars(select(JournalRow).order_by(JournalRow.seq.desc()).limit(1)).first()
        return Anchor(row.seq, row.hash) if row else None


def row_hash_at(store: LocalStore, seq: int) -> str | None:
    with store.transaction() as session:
        row = session.get(JournalRow, seq)
        return row.hash if row else None


def local_anchor(store: LocalStore) -> Anchor | None:
    """The last anchor the back office acknowledged, as kept in this kiosk's config."""
    value = store.get_config(CONFIG_KEY)
    if value is None:
        return None
    try:
        return Anchor.from_json(value)
    except BadAnchor as exc:
        # A damaged anchor must not stop the kiosk; the back office's copy still covers it.
        log.error("stored journal anchor ignored: %s", exc)
        return None


def save_anchor(store: LocalStore, anchor: Anchor) -> None:
    """Keep ``anchor`` unless the stored one is already further on (anchors never go back)."""
    current = local_anchor(store)
    if current is None or anchor.seq > current.seq:
        store.set_config(CONFIG_KEY, anchor.to_json())


def check(store: LocalStore, anchor: Anchor, source: str) -> AnchorCheck:
    """Does the journal still hold the anchored row, with the anchored hash?"""
    found = row_hash_at(store, anchor.seq)
    holder = _HOLDER[source]
    if found is None:
        return AnchorCheck(
            anchor,
            source,
            Message.of(
                "journal row {seq} (anchor kept by {holder}) is missing: the newest rows were "
                "cut or the database was replaced by an older copy",
                seq=anchor.seq,
                holder=holder,
            ),
        )
    if found != anchor.hash:
        return AnchorCheck(
            anchor,
            source,
            Message.of(
                "journal row {seq} does not match the hash anchored by {holder}: the database "
                "was replaced by another copy",
                seq=anchor.seq,
                holder=holder,
            ),
        )
    return AnchorCheck(anchor, source)


def check_local(store: LocalStore) -> AnchorCheck | None:
    """The journal against this kiosk's own anchor (``None`` before the first anchor)."""
    anchor = local_anchor(store)
    return check(store, anchor, LOCAL) if anchor else None


def record_problem(store: LocalStore, result: AnchorCheck, at: datetime) -> None:
    """Log and journal a failed check; sales go on (staff decide what to do)."""
    log.error("journal anchor: %s", result.text("en"))
    store.journal_event(  # the row's schema is unchanged: both texts, rendered from the key
        PROBLEM_KIND,
        {
            "source": result.source,
            "anchor_seq": result.anchor.seq,
            "ja": result.text("ja"),
            "en": result.text("en"),
        },
        at,
    )
