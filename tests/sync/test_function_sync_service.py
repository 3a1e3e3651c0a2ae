"""The kiosk's sync thread, end to end: a sale made at the kiosk reaches the back office."""

from __future__ import annotations

import time

from sqlalchemy import select

from kiosk.backoffice.sales.models import SaleRow
from kiosk.domain.scan import Scan
from tests.sync.conftest import real_card
from tests.sync.transport import start_sync_thread


def _wait(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_sale_reaches_the_back_office_through_the_sync_thread(
    client, bo_db, kiosk_token, card_terminal, make_runtime
):
    """GIVEN a kiosk with a sync thread WHEN a sale completes THEN the back office stores it once."""
    # make_runtime is set up last, so torn down first: the sync thread stops before the test
    # client closes, and no request is cut off holding a database transaction open
    runtime = make_runtime(**real_card(card_terminal))  # a real sale: training ones stay apart
    assert not runtime.training
    start_sync_thread(runtime, client, kiosk_token)
    runtime.handle_scan(Scan("4901234000018"))
    sale = runtime.pay("card")

    def stored():
        with bo_db.transaction() as session:
            return session.scalars(select(SaleRow.sale_id)).all()

    assert _wait(lambda: stored() == [sale.sale_id])
    assert _wait(lambda: not runtime.store.unsent_outbox())
    assert runtime.backoffice_reachable is True
