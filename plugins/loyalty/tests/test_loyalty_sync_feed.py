"""The kiosk's side of loyalty sync, without a back office: what goes out, what comes in.

The feed entries are made from one kiosk's outbox rows the way the back office passes them
on (see kiosk/backoffice/loyalty_sync.py), then applied to another kiosk.
"""

from __future__ import annotations

import base64
import json

import httpx
from sqlalchemy import select

from kiosk.store.models import JournalRow, OutboxRow
from kiosk.sync.feed import FeedPuller
from plugins.conftest import RICE, scan
from plugins.loyalty import loyalty_for
from plugins.loyalty import tables as t
from plugins.loyalty.sync import LoyaltyFeed

PHONE = "070-5555-0101"
FEED_KINDS = {"loyalty_points": "points", "upsert": "member", "delete": "member_deleted"}


def _outbox(runtime) -> list[OutboxRow]:
    with runtime.store.transaction() as session:
        query = select(OutboxRow).where(OutboxRow.kind.like("loyalty_%")).order_by(OutboxRow.seq)
        return list(session.scalars(query))


def _feed(runtime) -> list[dict]:
    """``runtime``'s loyalty outbox as the back office's feed carries it to other kiosks."""
    entries = []
    for seq, row in enumerate(_outbox(runtime), 1):
        kind = FEED_KINDS[row.kind if row.kind == "loyalty_points" else row.payload["op"]]
        entries.append({"seq": seq, "kind": kind, "origin": "K01", "payload": row.payload})
    return entries


def _journal(runtime, kind: str) -> list[dict]:
    with runtime.store.transaction() as session:
        rows = session.scalars(select(JournalRow.payload).where(JournalRow.kind == kind))
        return [json.loads(p) for p in rows]


def _member_with_a_sale(runtime, **fields) -> str:
    service = loyalty_for(runtime)
    member_id = service.enrol(service.begin_enrolment().token, True, **fields).member.member_id
    scan(runtime, RICE)
    runtime.pay("cash")
    runtime.finish()
    return member_id


def test_every_points_entry_has_a_global_id_and_goes_to_the_outbox(kiosk):
    a = kiosk("a", kiosk_id="K01")
    member_id = _member_with_a_sale(a, phone=PHONE)
    with a.store.transaction() as session:
        [row] = session.execute(select(t.points)).all()
    assert (row.member_id, row.kind, row.points, row.kiosk_id) == (member_id, "earn", 24, "K01")
    member, points = _outbox(a)
    assert member.payload["op"] == "upsert" and PHONE not in json.dumps(member.payload)
    assert base64.b64decode(member.payload["sealed"]) == _personal(a, member_id)
    assert points.payload["entry_id"] == row.entry_id and points.payload["points"] == 24


def _personal(runtime, member_id: str) -> bytes:
    with runtime.store.transaction() as session:
        query = select(t.members.c.personal).where(t.members.c.member_id == member_id)
        return session.execute(query).scalar_one()


def test_a_page_applied_twice_counts_once(kiosk):
    a, b = kiosk("a", kiosk_id="K01"), kiosk("b", kiosk_id="K02")
    member_id = _member_with_a_sale(a, name="山田", phone=PHONE)
    feed = LoyaltyFeed(loyalty_for(b))
    first = feed.apply(_feed(a))
    again = feed.apply(_feed(a))
    assert (first.members, first.points, again.points) == (1, 1, 0)
    assert loyalty_for(b).identify_by_phone(PHONE).points == 24
    assert loyalty_for(b).balance(member_id).points == loyalty_for(a).balance(member_id).points
    assert not _outbox(b)  # what came from elsewhere is not sent back


def test_a_card_linked_at_one_kiosk_is_recognised_at_the_other(kiosk, clock):
    a, b = kiosk("a", kiosk_id="K01"), kiosk("b", kiosk_id="K02")
    member_id = _member_with_a_sale(a)
    loyalty_for(a).directory.link_card(member_id, "MB0000123", clock())
    LoyaltyFeed(loyalty_for(b)).apply(_feed(a))
    assert loyalty_for(b).identify_code("MB0000123").member_id == member_id


def test_a_tombstone_keeps_the_member_away_even_if_it_arrives_first(kiosk):
    a, b = kiosk("a", kiosk_id="K01"), kiosk("b", kiosk_id="K02")
    member_id = _member_with_a_sale(a, phone=PHONE)
    enrolment = _feed(a)
    tombstone = {"member_id": member_id, "deleted_at": "2026-03-02T12:00:00"}
    report = LoyaltyFeed(loyalty_for(b)).apply(
        [{"seq": 9, "kind": "member_deleted", "payload": tombstone}, *enrolment]
    )
    assert (report.members, report.points, report.erased) == (0, 0, 0)
    with b.store.transaction() as session:
        [row] = session.execute(select(t.members)).all()
        assert (row.status, row.personal) == ("deleted", None)
        assert session.execute(select(t.points)).all() == []


def test_the_same_phone_enrolled_at_two_kiosks_offline_is_reported(kiosk):
    a, b = kiosk("a", kiosk_id="K01"), kiosk("b", kiosk_id="K02")
    at_a = _member_with_a_sale(a, phone=PHONE)
    at_b = _member_with_a_sale(b, phone=PHONE)
    LoyaltyFeed(loyalty_for(b)).apply(_feed(a))
    [report] = _journal(b, "loyalty_duplicate_member")
    assert report == {"member_id": at_a, "other_member_id": at_b, "index": "phone_index"}
    assert loyalty_for(b).identify_by_phone(PHONE).member_id == at_b  # the keypad stays with B's
    assert loyalty_for(b).directory.exists(at_a)  # A's member still works by its QR code


def test_a_member_sealed_under_another_key_is_reported(kiosk):
    a = kiosk("a", kiosk_id="K01")
    other = kiosk("c", kiosk_id="K03", loyalty={"key": base64.b64encode(b"X" * 32).decode()})
    _member_with_a_sale(a, name="山田")
    LoyaltyFeed(loyalty_for(other)).apply(_feed(a))
    [problem] = _journal(other, "loyalty_sync_problem")
    assert "same [plugins.loyalty] key file" in problem["problem"]


def test_a_malformed_entry_is_journaled_and_the_rest_still_applies(kiosk):
    a, b = kiosk("a", kiosk_id="K01"), kiosk("b", kiosk_id="K02")
    member_id = _member_with_a_sale(a)
    bad = {"seq": 1, "kind": "points", "payload": {"member_id": member_id, "points": "many"}}
    report = LoyaltyFeed(loyalty_for(b)).apply([bad, *_feed(a)])
    assert (report.problems, report.points) == (1, 1)
    [problem] = _journal(b, "loyalty_sync_problem")
    assert problem["seq"] == 1 and "KeyError" in problem["problem"]
    assert loyalty_for(b).balance(member_id).points == 24


def test_the_cursor_starts_again_when_the_back_office_feed_is_behind(kiosk):
    """A back office restored from an older backup numbers its feed lower than the cursor."""
    runtime = kiosk("a")
    store = runtime.store
    pages: list[list[dict]] = []
    asked: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        after = int(request.url.params["after"])
        asked.append(after)
        entries = [{"seq": 1, "kind": "points", "payload": {}}] if after == 0 else []
        return httpx.Response(200, json={"head": 1, "entries": entries, "next": 1, "more": False})

    puller = FeedPuller(runtime, "loyalty", pages.append)
    store.set_config(puller.cursor_key, 40)
    client = httpx.Client(transport=httpx.MockTransport(answer), base_url="http://bo")
    assert puller.pull(client, "K01.token") == 1
    assert asked == [40, 0] and puller.cursor == 1 and len(pages) == 1
