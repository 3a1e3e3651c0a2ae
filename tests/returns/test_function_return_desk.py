"""Returns on a kiosk: refund to the original tender, cash when it cannot refund, the
document with its outbox row and journal entry, staff limits, and restart recovery.

GIVEN a kiosk paying by card against a terminal simulator (and a simulated cash changer)
WHEN staff return lines of a committed sale
THEN the terminal refunds exactly once per return, the return document is committed with
     its outbox row and journal entry only after the refund, and nothing is over-returned.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.domain.returns import OverReturn
from kiosk.payments.method import Outcome, PaymentResult
from kiosk.runtime import returns as desk_module
from kiosk.runtime.returns import NeedsManager, RefundUnresolved, ReturnDesk
from kiosk.staff import NotAllowed
from kiosk.store.models import OutboxRow
from kiosk.store.returns import ReturnBook
from tests.returns.desk import ATTENDANT, MANAGER, ONIGIRI, SOAP, TEA, card_sale, started


class Crash(BaseException):
    """The process dies here (nothing in the kiosk catches a BaseException)."""


def _outbox(runtime, kind="return"):
    with runtime.store.transaction() as session:
        return list(session.scalars(select(OutboxRow).where(OutboxRow.kind == kind)))


def test_a_card_sale_line_is_refunded_to_the_card_once(runtime, terminal):
    sale = card_sale(runtime, ONIGIRI, TEA, SOAP)
    desk = ReturnDesk(runtime)
    line = sale["lines"][2]
    plan = desk.plan(sale, {line["line_id"]: 1}, reason="changed_mind", staff=ATTENDANT)
    result = desk.make(plan)
    document = result.document
    paid = {a["line_id"]: a["paid"] for a in sale["allocation"]}
    assert document["total"] == -paid[line["line_id"]]
    assert document["original_sale_id"] == sale["sale_id"]
    assert document["reason"] == "changed_mind" and document["staff_id"] == "S001"
    assert [t["method"] for t in document["tenders"]] == ["card"]
    # the terminal gave back exactly the refund, once
    card_key = runtime.ledger.get(sale["tenders"][0]["payment_id"]).idempotency_key
    assert terminal.payments[card_key].refunded == paid[line["line_id"]]
    assert len(terminal.refunds) == 1
    # one outbox row of kind "return", and the journal still verifies
    assert [row.aggregate_id for row in _outbox(runtime)] == [document["return_id"]]
    assert runtime.store.verify_journal().ok
    # the same line cannot come back again
    with pytest.raises(OverReturn):
        desk.plan(sale, {line["line_id"]: 1}, reason="changed_mind", staff=ATTENDANT)


def test_a_method_that_cannot_refund_is_refunded_in_cash(runtime, terminal):
    sale = card_sale(runtime, ONIGIRI)
    card = runtime.method("card")
    card.refunds = False  # as a transit IC card: the provider takes no refunds
    desk = ReturnDesk(runtime)
    result = desk.make(desk.plan(sale, {1: 1}, reason="wrong_item", staff=ATTENDANT))
    assert [t["method"] for t in result.document["tenders"]] == ["cash"]
    assert result.document["tenders"][0]["original_payment_id"] == sale["tenders"][0]["payment_id"]
    assert not terminal.refunds  # nothing went to the card


def test_a_declined_refund_is_paid_in_cash_instead(runtime, terminal, monkeypatch):
    sale = card_sale(runtime, ONIGIRI, TEA)
    card = runtime.method("card")
    monkeypatch.setattr(
        card, "refund", lambda *a: PaymentResult(Outcome.DECLINED, message="past 90 days")
    )
    desk = ReturnDesk(runtime)
    result = desk.make(desk.plan(sale, {2: 1}, reason="wrong_item", staff=ATTENDANT))
    assert [(t["method"], t["amount"]) for t in result.document["tenders"]] == [
        ("cash", result.document["total"])
    ]
    rows = ReturnBook(runtime.store).refund_rows(result.document["return_id"])
    assert sorted((r.method, r.state) for r in rows) == [("card", "declined"), ("cash", "refunded")]


def test_an_unknown_refund_outcome_is_settled_by_status_not_sent_again(
    runtime, terminal, monkeypatch
):
    sale = card_sale(runtime, ONIGIRI)
    card = runtime.method("card")
    real_refund = card.refund
    calls = []

    def lost_reply(key, amount, refund_key):
        calls.append(refund_key)
        real_refund(key, amount, refund_key)  # the terminal refunds …
        return PaymentResult(Outcome.UNKNOWN, message="connection dropped")  # … reply lost

    monkeypatch.setattr(card, "refund", lost_reply)
    desk = ReturnDesk(runtime)
    result = desk.make(desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT))
    assert len(calls) == 1 and len(terminal.refunds) == 1
    assert result.document["total"] == -sale["total"]


def test_staff_rules_role_and_manager_limit(runtime, terminal):
    sale = card_sale(runtime, ONIGIRI, TEA)
    desk = ReturnDesk(
        runtime,
        runtime.config.returns.model_copy(update={"approval_above": 100, "role": "attendant"}),
    )
    with pytest.raises(NeedsManager):
        desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    plan = desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT, approver=MANAGER)
    assert plan.approved_by == "M001"
    managers_only = ReturnDesk(
        runtime, runtime.config.returns.model_copy(update={"role": "manager"})
    )
    with pytest.raises(NotAllowed):
        managers_only.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    with pytest.raises(ValueError):
        desk.plan(sale, {1: 1}, reason="no such reason", staff=MANAGER)


@pytest.mark.parametrize("step", ["drafted", "refunded", "committed"])
def test_a_crash_at_each_step_is_finished_at_restart(tmp_path, terminal, monkeypatch, step):
    data_dir = tmp_path / "kiosk"
    runtime = started(data_dir, terminal.port)
    sale = card_sale(runtime, ONIGIRI, TEA)
    desk = ReturnDesk(runtime)
    plan = desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)

    def die(at: str) -> None:
        if at == step:
            raise Crash(at)

    monkeypatch.setattr(desk_module, "checkpoint", die)
    with pytest.raises(Crash):
        desk.make(plan)
    runtime.store.close()  # the process is gone; what is on disk stays
    monkeypatch.setattr(desk_module, "checkpoint", lambda at: None)
    restarted = started(data_dir, terminal.port)  # recovery runs in start()
    try:
        book = ReturnBook(restarted.store)
        assert book.pending() == []
        documents = book.returns_of(sale["sale_id"])
        assert len(documents) == 1
        card_key = restarted.ledger.get(sale["tenders"][0]["payment_id"]).idempotency_key
        assert terminal.payments[card_key].refunded == -documents[0]["total"]
        assert len(terminal.refunds) == 1
        assert len(_outbox(restarted)) == 1
        with pytest.raises(OverReturn):
            ReturnDesk(restarted).plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    finally:
        restarted.shutdown()


def test_a_return_nothing_was_refunded_for_is_dropped_at_restart(tmp_path, terminal, monkeypatch):
    data_dir = tmp_path / "kiosk"
    runtime = started(data_dir, terminal.port)
    sale = card_sale(runtime, ONIGIRI)
    desk = ReturnDesk(runtime)
    monkeypatch.setattr(
        runtime.method("card"), "refund", lambda *a: PaymentResult(Outcome.DECLINED, message="no")
    )
    monkeypatch.setattr(runtime, "method", _without_cash(runtime.method))
    with pytest.raises(RefundUnresolved):
        desk.make(desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT))
    runtime.store.close()
    restarted = started(data_dir, terminal.port)
    try:
        book = ReturnBook(restarted.store)
        assert book.pending() == [] and book.returns_of(sale["sale_id"]) == []
        assert not _outbox(restarted)
    finally:
        restarted.shutdown()


def _without_cash(method):
    def lookup(method_id):
        if method_id == "cash":
            raise KeyError(method_id)
        return method(method_id)

    return lookup


def test_a_cash_refund_is_never_paid_out_unattended_after_a_crash(tmp_path, terminal, monkeypatch):
    # GIVEN a cash sale whose return was drafted when the kiosk died
    data_dir = tmp_path / "kiosk"
    runtime = started(data_dir, terminal.port)
    sale = card_sale(runtime, ONIGIRI, method="cash")
    desk = ReturnDesk(runtime)
    plan = desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    monkeypatch.setattr(desk_module, "checkpoint", _die_at("drafted"))
    with pytest.raises(Crash):
        desk.make(plan)
    runtime.store.close()
    monkeypatch.setattr(desk_module, "checkpoint", lambda at: None)
    # WHEN it restarts THEN the cash row is cancelled, not paid out; the return is dropped
    restarted = started(data_dir, terminal.port)
    try:
        book = ReturnBook(restarted.store)
        assert book.pending() == [] and book.returns_of(sale["sale_id"]) == []
        rows = book.refund_rows(plan.return_id)
        assert [(r.method, r.state) for r in rows] == [("cash", "cancelled")]
        assert restarted.method("cash").records.get(rows[0].idempotency_key) is None
        # AND staff can make the return again with the shopper there
        again = ReturnDesk(restarted)
        result = again.make(again.plan(sale, {1: 1}, reason="other", staff=ATTENDANT))
        assert result.document["total"] == -sale["total"]
    finally:
        restarted.shutdown()


def test_a_pending_return_is_finished_by_staff(runtime, terminal, monkeypatch):
    # GIVEN a card refund declined while the kiosk had no cash changer: pending
    sale = card_sale(runtime, ONIGIRI)
    desk = ReturnDesk(runtime)
    monkeypatch.setattr(
        runtime.method("card"), "refund", lambda *a: PaymentResult(Outcome.DECLINED, message="no")
    )
    real_method = runtime.method
    monkeypatch.setattr(runtime, "method", _without_cash(real_method))
    plan = desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    with pytest.raises(RefundUnresolved):
        desk.make(plan)
    assert [r.return_id for r in desk.book.pending()] == [plan.return_id]
    # the units stay held meanwhile
    with pytest.raises(OverReturn):
        desk.plan(sale, {1: 1}, reason="other", staff=ATTENDANT)
    # WHEN staff resume it with the changer back THEN cash pays it, once
    monkeypatch.setattr(runtime, "method", real_method)
    result = desk.finish(plan.return_id)
    assert [t["method"] for t in result.document["tenders"]] == ["cash"]
    assert desk.book.pending() == []
    rows = desk.book.refund_rows(plan.return_id)
    assert sorted(r.state for r in rows) == ["declined", "refunded"]


def _die_at(step):
    def die(at: str) -> None:
        if at == step:
            raise Crash(at)

    return die
