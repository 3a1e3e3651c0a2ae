"""Points to settle: managers see overdraws from offline spends and settle them with a note."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from plugins.loyalty.backoffice.loyalty_sync_models import OverdrawRow
from tests.backoffice.databases import sign_in

MEMBER = "M00000001234"


def overdraw(bo_db, clock) -> int:
    with bo_db.transaction() as s:
        row = OverdrawRow(
            member_id=MEMBER, store_id="S01", debt=22, kiosks=["K01", "K02"], detected_at=clock()
        )
        s.add(row)
        s.flush()
        return row.id


def test_function_a_manager_sees_the_overdraw_masked_and_settles_it_with_a_note(
    bo_db, client, clock, staff
):
    overdraw_id = overdraw(bo_db, clock)
    sign_in(client, staff["manager"])
    page = client.get("/loyalty").text
    assert (
        'id="overdraw-count">1<' in page
        and "****1234" in page
        and MEMBER not in page.replace(f"/customers/{MEMBER}", "")
    )
    assert "K01, K02" in page

    refused = client.post(
        f"/loyalty/overdraws/{overdraw_id}/settle", data={"note": " "}, follow_redirects=False
    )
    assert refused.status_code == 422 and "note" in refused.text

    settled = client.post(
        f"/loyalty/overdraws/{overdraw_id}/settle",
        data={"note": "会員に説明し22pt失効"},
        follow_redirects=False,
    )
    assert settled.status_code == 303
    assert 'id="overdraw-count">0<' in client.get("/loyalty").text
    assert client.get("/api/v1/loyalty/overdraws").json() == {"overdraws": []}
    with bo_db.reading() as s:
        audit = s.scalars(
            select(AuditRow).where(AuditRow.action == "loyalty.overdraw_settled")
        ).one()
    assert (
        audit.actor == staff["manager"]
        and audit.target == MEMBER
        and audit.detail["note"] == "会員に説明し22pt失効"
    )
    again = client.post(
        f"/loyalty/overdraws/{overdraw_id}/settle", data={"note": "twice"}, follow_redirects=False
    )
    assert again.status_code == 404


def test_function_an_attendant_cannot_open_the_page(client, staff):
    sign_in(client, staff["attendant"])
    assert client.get("/loyalty", follow_redirects=False).status_code == 403
