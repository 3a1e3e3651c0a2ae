"""Report the journal head to the back office and keep the anchor it acknowledges.

Runs on the sync thread whenever the outbox is drained (a ``sync_pull`` step), and once at
start-up against the anchor stored locally, so a kiosk that never reaches the back office
still checks itself. A failed check is logged and journaled once; sales go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from kiosk.store import LocalStore
from kiosk.store import anchor as anchors
from kiosk.store.anchor import BACK_OFFICE, Anchor, AnchorCheck, BadAnchor

log = logging.getLogger(__name__)


class AnchorReporter:
    def __init__(
        self,
        store: LocalStore,
        client: httpx.Client,
        token: str,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.store, self.client, self.token, self.clock = store, client, token, clock
        self.last_verdict: str | None = None
        self._reported: Anchor | None = None
        self._journaled: set[tuple[str, int, str]] = set()

    def check_at_startup(self) -> AnchorCheck | None:
        """The journal against the local anchor; a problem is logged and journaled."""
        try:
            result = anchors.check_local(self.store)
            if result is not None:
                self._note(result)
        except Exception:  # a check that cannot run must not keep the kiosk from selling
            log.exception("journal anchor check at start-up failed")
            return None
        return result

    def sync_pull(self, client: httpx.Client, token: str) -> None:
        """The sync thread's pull step (its contract passes client and token; ours are kept)."""
        self.report()

    def report(self) -> AnchorCheck | None:
        """Send the head; check the journal against the anchor the back office answers.

        Returns ``None`` when there was nothing new to report. Raises ``httpx.HTTPError``
        when the back office cannot be reached (the caller logs it and tries again later).
        """
        head = anchors.head(self.store)
        if head is None or head == self._reported:
            return None
        proof_seq = (anchors.local_anchor(self.store) or head).seq
        answer = self._post(head, proof_seq)
        if answer["verdict"] == "unproven" and answer["anchor"] is not None:
            answer = self._post(head, answer["anchor"].seq)
        self.last_verdict = answer["verdict"]
        self._reported = head
        anchor = answer["anchor"]
        if anchor is None:
            return None
        result = anchors.check(self.store, anchor, BACK_OFFICE)
        if result.ok and answer["verdict"] == "ok":
            anchors.save_anchor(self.store, anchor)
        self._note(result)
        return result

    def fetch_anchor(self) -> Anchor | None:
        """The back office's anchor for this kiosk (``None`` if it has none yet)."""
        response = self.client.get("/api/v1/sync/status", headers=self._auth())
        response.raise_for_status()
        return _anchor(response.json().get("journal_anchor"))

    def _post(self, head: Anchor, proof_seq: int) -> dict[str, Any]:
        body = {
            **head.to_json(),
            "at_anchor": {"seq": proof_seq, "hash": anchors.row_hash_at(self.store, proof_seq)},
        }
        response = self.client.post("/api/v1/sync/journal-head", json=body, headers=self._auth())
        response.raise_for_status()
        data = response.json()
        return {"verdict": str(data.get("verdict")), "anchor": _anchor(data.get("anchor"))}

    def _note(self, result: AnchorCheck) -> None:
        key = (result.source, result.anchor.seq, result.text("en"))
        if result.ok or key in self._journaled:
            return  # journaling the same problem again would move the head and report again
        self._journaled.add(key)
        anchors.record_problem(self.store, result, self.clock())

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _anchor(value: Any) -> Anchor | None:
    if value is None:
        return None
    try:
        return Anchor.from_json(value)
    except BadAnchor as exc:
        raise httpx.DecodingError(f"back office sent a bad journal anchor: {exc}") from None


def verify_anchors(
    store: LocalStore, url: str | None, token: str | None, timeout_s: float = 5.0
) -> tuple[bool, list[str]]:
    """For ``kiosk journal verify``: the journal against the local anchor and, when the back
    office is configured and reachable, against its anchor. Returns (all held, lines)."""
    local = anchors.check_local(store)
    results = [local] if local else []
    lines = [] if local else ["ローカルのアンカーなし / no local anchor yet (never acknowledged)"]
    if url:
        with httpx.Client(base_url=url, timeout=timeout_s) as client:
            try:
                remote = AnchorReporter(store, client, token or "").fetch_anchor()
            except httpx.HTTPError as exc:
                remote = None
                lines.append(
                    f"本部に接続できず未確認 / back office not checked ({type(exc).__name__})"
                )
            else:
                if remote is None:
                    lines.append(
                        "本部のアンカーなし / the back office holds no anchor for this kiosk yet"
                    )
        if remote is not None:
            results.append(anchors.check(store, remote, BACK_OFFICE))
    return all(r.ok for r in results), [r.message for r in results] + lines
