"""Tax-free (免税) in the back office: the kiosks' same-day total API and the staff ledger page.

- ``GET /api/v1/tax-free/same-day`` (kiosk token): the buyer's net total today at the
  store's other kiosks; the asking kiosk adds its own records.
- ``GET /tax-free`` (manager): every kiosk's records with totals per status, filters by
  status and sale date, the summaries that could not be used, and kiosks whose records were
  made under different personal-data keys (their buyers can never be matched).
- ``GET /tax-free.csv`` (manager): the same rows as CSV.

Both list buyers' names and passport numbers (personal data): each look is audited
(``tax_free.view`` / ``tax_free.export``, with the filter and the rows shown) in the
transaction that reads them, as a member's history is (``customer.view``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kiosk.backoffice.plugin_api import (
    InvalidInput,
    KioskToken,
    Manager,
    bo,
    csv_response,
    kiosk_by_token,
    record,
    template_page,
    to_csv,
)
from plugins.tax_free.backoffice import ledger as taxfree
from plugins.tax_free.backoffice.labels import COLUMN_LABELS, PAGE_COLUMNS, page_row, status_label

router = APIRouter()


@router.get("/api/v1/tax-free/same-day")
def same_day(
    request: Request, token: KioskToken, buyer_key: str, key_id: str, store_code: str, date: str
) -> dict[str, object]:
    day = bo(request).day(date)
    with bo(request).db.reading() as session:
        kiosk = kiosk_by_token(session, token)
        net = taxfree.same_day_net(session, kiosk, store_code, key_id, buyer_key, day)
    return {"others_net": net, "date": day.isoformat(), "kiosk_id": kiosk.kiosk_id}


def _query(request: Request) -> taxfree.LedgerQuery:
    params = request.query_params
    status = params.get("status", "")
    if status and status not in taxfree.STATUSES:
        raise InvalidInput(f"status {status!r}: one of {', '.join(taxfree.STATUSES)}")
    return taxfree.LedgerQuery(
        (status,) if status else (),
        bo(request).day(params["date_from"]) if params.get("date_from") else None,
        bo(request).day(params["date_to"]) if params.get("date_to") else None,
    )


@router.get("/tax-free")
def ledger_page(request: Request, staff: Manager) -> HTMLResponse:
    query = _query(request)
    params = {k: v for k, v in request.query_params.items() if v}
    today = bo(request).today()
    with bo(request).db.transaction() as session:
        rows = taxfree.ledger(session, query)
        problems = taxfree.problems(session)
        keys = taxfree.key_ids(session)
        _audit(request, session, staff.username, "tax_free.view", params, len(rows))
    totals = taxfree.status_totals(rows)
    listed = ""
    if len({k for ids in keys.values() for k in ids}) > 1:
        listed = ", ".join(
            f"{kiosk}: {', '.join(sorted(ids))}" for kiosk, ids in sorted(keys.items())
        )
    return template_page(
        "tax_free/ledger.html",
        "Tax-free ledger 免税",
        staff,
        wide=True,
        statuses=[(s, status_label(s)) for s in taxfree.STATUSES],
        selected=query.statuses[0] if len(query.statuses) == 1 else "",
        date_from=params.get("date_from", ""),
        date_to=params.get("date_to", ""),
        csv_link=f"/tax-free.csv?{urlencode(params)}",
        totals=[(s, status_label(s), n, a) for s, (n, a) in totals.items()],
        columns=[COLUMN_LABELS[c] for c in PAGE_COLUMNS],
        rows=[page_row(taxfree.LEDGER_COLUMNS, r) for r in taxfree.ledger_rows(rows, today)],
        key_warning=listed,
        problems=[
            (p.kiosk_id, p.kiosk_seq, p.problem, p.received_at.isoformat(timespec="seconds"))
            for p in problems
        ],
    )


@router.get("/tax-free.csv")
def ledger_csv(request: Request, staff: Manager) -> Response:
    query = _query(request)
    params = {k: v for k, v in request.query_params.items() if v}
    with bo(request).db.transaction() as session:
        rows = taxfree.ledger(session, query)
        _audit(request, session, staff.username, "tax_free.export", params, len(rows))
    text = to_csv(taxfree.LEDGER_COLUMNS, taxfree.ledger_rows(rows, bo(request).today()))
    return csv_response("tax-free-ledger.csv", text)


def _audit(
    request: Request, session, actor: str, action: str, params: dict[str, str], shown: int
) -> None:
    """Who saw which buyers (the filter and how many rows), from where."""
    origin = request.client.host if request.client else ""
    detail = {"filter": {k: v[:40] for k, v in sorted(params.items())}, "rows": shown}
    record(session, bo(request).clock(), actor, action, "ledger", detail, origin=origin)
