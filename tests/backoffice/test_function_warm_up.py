"""Start-up warm-up (``kiosk-backoffice serve``): reads only, and the app serves as before;
JSON bodies reach the routes once parsed, with FastAPI's own answers for none or bad JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiosk.backoffice.app import create_app
from kiosk.backoffice.inventory import pending_stock
from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.kiosks.warm_up import warm_up, with_warm_up
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow
from tests.backoffice.databases import ORIGIN
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event


def kiosk_rows(bo_db) -> list[tuple]:
    with bo_db.reading() as s:
        return [tuple(r) for r in s.execute(select(KioskRow.__table__)).all()]


def test_function_warm_up_writes_nothing(bo_db, kiosk_token):
    before = kiosk_rows(bo_db)
    assert warm_up(bo_db) >= 0
    assert kiosk_rows(bo_db) == before  # the kiosk row untouched: no sync recorded
    with bo_db.reading() as s:  # its made-up sale was rolled back, stock take and all
        for table in (SaleRow, SaleLineRow, SalePaymentRow):
            assert s.scalar(select(func.count()).select_from(table)) == 0
        assert s.scalar(select(func.count()).select_from(pending_stock.PENDING)) == 0


def test_function_a_warmed_app_takes_a_batch(bo_db, clock, kiosk_token):
    app = create_app(bo_db, clock=clock)
    with_warm_up(app, bo_db)
    with TestClient(app, headers={"Origin": ORIGIN}) as c:
        answer = c.post(
            "/api/v1/sync/outbox",
            json={"events": [event(1, DAY)]},
            headers={"Authorization": f"Bearer {kiosk_token}"},
        )
    assert answer.status_code == 200 and answer.json()["acked_through"] == 1


def test_function_a_body_missing_is_the_projects_422_and_a_pages_fastapis(client, kiosk_token):
    bearer = {"Authorization": f"Bearer {kiosk_token}"}
    none = client.post("/api/v1/sync/outbox", headers=bearer)
    assert none.status_code == 422 and none.json()["error"] == "InvalidInput"
    # outside /api/ the door does not parse: the dependency does, as FastAPI did
    bad = client.post(
        "/console/kiosks/K01/commands",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["type"] == "json_invalid"
