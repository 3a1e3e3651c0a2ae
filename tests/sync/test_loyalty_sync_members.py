"""APPI across kiosks: sealed enrolments, deletion as a tombstone, nothing readable anywhere."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from kiosk.backoffice.core.models import Base
from kiosk.backoffice.sales.models import SaleRow
from kiosk.staff import demo_accounts
from plugins.conftest import RICE, scan, settings
from plugins.loyalty import tables as t
from plugins.loyalty.backoffice.loyalty_sync_models import (
    FeedRow,
    LoyaltyProblemRow,
    MemberRow,
    PointsEntryRow,
)
from plugins.loyalty.errors import UnknownMember
from tests.backoffice.databases import sign_in
from tests.backoffice.helpers import post
from tests.sync.conftest import real_card
from tests.sync.loyalty_sync_shop import EMAIL, NAME, PHONE, Shop, enrol

_ATTENDANT, MANAGER = demo_accounts()
SECRETS = (NAME, PHONE, "1234-8765", "12348765", EMAIL, "hanako.sato")


@pytest.fixture
def shop(make_runtime, bo_db, client, clock, tmp_path) -> Shop:
    return Shop(make_runtime, bo_db, client, clock, tmp_path)


def _kiosk_bytes(kiosk) -> bytes:
    path = kiosk.runtime.store.path
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _bo_text(bo_db) -> bytes:
    """Everything the back office stores: its SQLite files, or every PostgreSQL row as text."""
    url = make_url(bo_db.url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    with bo_db.engine.connect() as c:
        rows = [
            str(value)
            for table in Base.metadata.sorted_tables
            for value in c.execute(text(f"SELECT CAST(x AS text) FROM {table.name} AS x")).scalars()
        ]
    return "\n".join(rows).encode()


def _assert_no_personal_data(blob: bytes, where: str) -> None:
    for secret in SECRETS:
        # as UTF-8, UTF-16 and the \uXXXX escapes JSON columns use
        for encoded in (
            secret.encode(),
            secret.encode("utf-16-le"),
            secret.encode("unicode_escape"),
        ):
            assert encoded not in blob, f"{secret!r} in {where}"


def test_deletion_at_one_kiosk_propagates_and_no_store_holds_personal_data(shop, card_terminal):
    """GIVEN a member enrolled at A, known at B WHEN a manager deletes the member at B THEN
    after the sync A and the back office drop the sealed data too, sales and points entries
    stay (pseudonymous), and no database holds the name, phone or e-mail."""
    # A sells for real (a card terminal, no simulators): only real sales are in bo_sales
    a = shop.kiosk("K01", **real_card(card_terminal, settings()))
    b = shop.kiosk("K02")
    member_id = enrol(a, name=NAME, phone=PHONE)
    scan(a.runtime, RICE)
    sale = a.runtime.pay("card")
    a.runtime.finish()
    a.sync_now()
    b.sync_now()
    assert b.loyalty.identify_by_phone(PHONE).member_id == member_id
    b.runtime.member_id = None
    with shop.bo_db.reading() as session:
        sealed = session.get(MemberRow, member_id).sealed
    assert sealed and base64.b64decode(sealed)  # the back office holds only the sealed blob
    for where, blob in (
        ("A", _kiosk_bytes(a)),
        ("B", _kiosk_bytes(b)),
        ("BO", _bo_text(shop.bo_db)),
    ):
        _assert_no_personal_data(blob, where)

    b.loyalty.delete_member(member_id, MANAGER)
    b.sync_now()
    a.sync_now()

    for kiosk in (a, b):
        with pytest.raises(UnknownMember):
            kiosk.loyalty.identify_by_phone(PHONE)
        with kiosk.runtime.store.transaction() as session:
            row = session.execute(select(t.members).where(t.members.c.member_id == member_id)).one()
            assert (row.status, row.personal, row.phone_index) == ("deleted", None, None)
        assert sealed.encode() not in _sqlite_dump(kiosk)
    assert a.journal("loyalty_member_erased") and not b.journal("loyalty_member_erased")
    assert a.runtime.store.sale_exists(sale.sale_id)

    with shop.bo_db.reading() as session:
        member = session.get(MemberRow, member_id)
        assert (member.status, member.sealed, member.phone_index) == ("deleted", None, None)
        assert (
            session.scalars(
                select(FeedRow.kind).where(FeedRow.subject == member_id, FeedRow.kind == "member")
            ).all()
            == []
        )
        assert (
            session.scalar(select(SaleRow.member_id).where(SaleRow.sale_id == sale.sale_id))
            == member_id
        )
        assert session.scalars(
            select(PointsEntryRow.points).where(PointsEntryRow.member_id == member_id)
        ).all() == [24]
    assert sealed.encode() not in _bo_rows(shop.bo_db)
    for where, blob in (
        ("A", _kiosk_bytes(a)),
        ("B", _kiosk_bytes(b)),
        ("BO", _bo_text(shop.bo_db)),
    ):
        _assert_no_personal_data(blob, where)

    # a card link made offline at a third kiosk before it heard of the deletion revives nothing
    c = shop.kiosk("K03")
    late = {"op": "upsert", "member_id": member_id, "created_at": "2026-11-20T09:00:00"}
    event = {
        "seq": 1,
        "event_id": "late-1",
        "kind": "loyalty_member",
        "payload": {**late, "sealed": sealed},
    }
    assert post(shop.client, c.sync.relay.token, [event]).status_code == 200
    b.sync_now()
    with pytest.raises(UnknownMember):
        b.loyalty.directory.profile(member_id)
    with shop.bo_db.reading() as session:
        assert session.get(MemberRow, member_id).sealed is None
    assert sealed.encode() not in _sqlite_dump(b)
    assert sealed.encode() not in _bo_rows(shop.bo_db)  # nor in the raw event log


def _sqlite_dump(kiosk) -> bytes:
    """The kiosk store's live rows (deleted pages may still hold old ciphertext on disk)."""
    connection = kiosk.runtime.store.engine.raw_connection()
    try:
        return "\n".join(connection.driver_connection.iterdump()).encode()
    finally:
        connection.close()


def _bo_rows(bo_db) -> bytes:
    with bo_db.reading() as session:
        return "\n".join(
            repr(tuple(row))  # Row's own repr shortens long values
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        ).encode()


def test_malformed_loyalty_events_are_recorded_and_do_not_block_the_kiosk(
    shop, client, bo_db, staff
):
    """GIVEN a kiosk sending a points entry without points, one with an overlong member id
    and a member event with an unknown op WHEN they are ingested THEN the batch is
    acknowledged, each problem is recorded for staff and the good event still applies."""
    a = shop.kiosk("K01")
    entry = {"entry_id": "x1", "member_id": "M1", "kind": "earn", "at": "2026-11-20T09:00:00"}
    payloads = [
        ("loyalty_points", entry),
        ("loyalty_points", {**entry, "entry_id": "x2", "points": 5, "member_id": "M" * 40}),
        ("loyalty_member", {"op": "merge", "member_id": "M1"}),
        ("loyalty_points", {**entry, "entry_id": "x3", "points": 5}),
    ]
    events = [
        {"seq": n, "event_id": f"e-{n}", "kind": kind, "payload": payload}
        for n, (kind, payload) in enumerate(payloads, 1)
    ]
    response = post(client, a.sync.relay.token, events)
    assert response.status_code == 200 and response.json()["acked_through"] == 4
    with bo_db.reading() as session:
        problems = session.scalars(select(LoyaltyProblemRow).order_by(LoyaltyProblemRow.id)).all()
        assert [(p.kiosk_seq, p.kind) for p in problems] == [
            (1, "loyalty_points"),
            (2, "loyalty_points"),
            (3, "loyalty_member"),
        ]
        assert "'points'" in problems[0].problem and "member_id" in problems[1].problem
        assert session.scalars(select(PointsEntryRow.entry_id)).all() == ["x3"]
    sign_in(client, staff["manager"])
    listed = client.get("/api/v1/loyalty/problems").json()["problems"]
    assert [p["kiosk_seq"] for p in listed] == [1, 2, 3]
