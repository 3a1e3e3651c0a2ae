"""kill -9 at every step of a return: never refunded twice, never refunded without the
return document, never a return document without its refund settled.

GIVEN a card sale on a kiosk whose terminal is a simulator in this (parent) process
WHEN a kiosk process making a return of one line is killed with SIGKILL at a step:
     after the draft; after the refund row says requested but before the terminal hears
     it; after the terminal refunded but before the kiosk heard the reply; after the
     refund is recorded; after the commit
THEN the restarted kiosk (recovery in ``start``) ends with exactly one committed return
     document, one outbox row for it, the terminal refunded exactly its total once, and
     the journal's chain intact.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.store.models import OutboxRow
from kiosk.store.returns import ReturnBook
from plugins.pay_card.simulator import CardTerminalSimulator
from tests.returns.desk import ONIGIRI, TEA, card_sale, started

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["drafted", "before_send", "reply_lost", "refunded", "committed"]


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_kill_minus_nine_at_a_step_of_a_return(tmp_path, step):
    terminal = CardTerminalSimulator().start()
    data_dir = tmp_path / "kiosk"
    try:
        runtime = started(data_dir, terminal.port)
        sale = card_sale(runtime, ONIGIRI, TEA)
        runtime.shutdown()
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.returns.return_child",
                str(data_dir),
                str(terminal.port),
                step,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
        )
        assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
        assert "RETURNED" not in child.stdout
        restarted = started(data_dir, terminal.port)  # recovery runs in start()
        try:
            book = ReturnBook(restarted.store)
            assert book.pending() == []
            documents = book.returns_of(sale["sale_id"])
            assert len(documents) == 1, "one return document, committed"
            refund = -documents[0]["total"]
            assert refund > 0
            card_key = restarted.ledger.get(sale["tenders"][0]["payment_id"]).idempotency_key
            assert list(terminal.refunds.values()) == [refund], "refunded once, exactly"
            assert terminal.payments[card_key].refunded == refund
            assert restarted.ledger.get(sale["tenders"][0]["payment_id"]).refunded == refund
            with restarted.store.transaction() as session:
                outbox = session.scalars(select(OutboxRow).where(OutboxRow.kind == "return"))
                assert [row.aggregate_id for row in outbox] == [documents[0]["return_id"]]
            assert restarted.store.verify_journal().ok
        finally:
            restarted.shutdown()
    finally:
        terminal.stop()
