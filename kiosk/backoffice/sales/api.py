"""HTTP API: kiosk sync (bearer token per kiosk) and integrations (staff session)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kiosk.backoffice.core.deps import JsonBody, KioskToken, bo
from kiosk.backoffice.kiosks import identity as kiosk_identity
from kiosk.backoffice.kiosks import journal_anchor
from kiosk.backoffice.sales import schemas as kiosk_schemas
from kiosk.backoffice.sales.ingest import IngestResult, OutboxEvent
from kiosk.backoffice.sales.ingest_rows import storable_json
from kiosk.backoffice.staff.auth import authenticate_kiosk

router = APIRouter(prefix="/api/v1")


# --- kiosk sync ---------------------------------------------------------------------------


@router.post("/sync/outbox", response_model=None)
def post_outbox(request: Request, token: KioskToken, body: JsonBody) -> JSONResponse:
    """Deliver a batch of outbox events; answers ``acked_through`` (idempotent, ordered).

    A bad event is a 422 naming its seq, kind and field (see :mod:`kiosk_schemas`)."""
    events = outbox_events(body)
    instance = kiosk_identity.instance_of(body)  # a restored/re-imaged database: never dropped
    backoffice = bo(request)

    def deliver(session: Session) -> IngestResult:
        kiosk = authenticate_kiosk(session, token, lock=True)
        return kiosk_identity.ingest_from_instance(
            session, kiosk, instance, events, backoffice.clock()
        )

    # on SQLite committed with the other kiosks' batches waiting then, a savepoint each
    result = backoffice.db.grouped(deliver)
    if result.applied:
        backoffice.sales.bump()
    # a response, not a dict: FastAPI would encode a dict in a second trip to the threadpool
    return JSONResponse(result.to_json())


def outbox_events(body: Any) -> list[OutboxEvent]:
    """The batch's events, each with its payload's JSON text from the size check when the
    database can store that text as it is (the ingest then does not encode it again)."""
    return [
        OutboxEvent(e.seq, e.event_id, e.kind, payload, storable_json(text))
        for e, payload, text in kiosk_schemas.parse_batch(body)
    ]


@router.get("/sync/status")
def sync_status(request: Request, token: KioskToken) -> dict[str, Any]:
    """The kiosk's ``last_seq`` as the back office has it, in the kiosk's own seqs (those of
    its current database, as every sync answer is), and its journal anchor; also the
    relay's cheap reachability probe."""
    with bo(request).db.reading() as session:
        kiosk = authenticate_kiosk(session, token)
        anchor = journal_anchor.current_anchor(session, kiosk.kiosk_id)
        return {
            "kiosk_id": kiosk.kiosk_id,
            "last_seq": kiosk_identity.local_last_seq(session, kiosk),
            "journal_anchor": anchor.to_json() if anchor else None,
        }


@router.post("/sync/journal-head")
def post_journal_head(request: Request, token: KioskToken, body: JsonBody) -> dict[str, Any]:
    """Report the kiosk's journal head; answers the verdict and the anchor (see journal_anchor)."""
    kiosk_schemas.parse(kiosk_schemas.JournalHead, body, "journal head")
    backoffice = bo(request)
    with backoffice.db.transaction() as session:
        kiosk = authenticate_kiosk(session, token, lock=True)
        return journal_anchor.report(session, kiosk, body, backoffice.clock())


# --- integrations (staff session: cookie or 'Authorization: Session <token>') -------------
