"""The back office is not in the payment path.

GIVEN a kiosk (training mode: its card terminal, QR provider and e-money reader are the
simulators) whose back office does not answer (the sync target unreachable)
WHEN shoppers pay by card, by QR and by e-money
THEN every method is offered and takes the money, each sale commits with its outbox row,
and once the back office answers again each sale reaches it exactly once.
(The old kiosk read "back office unreachable" as "payment network down" and left only cash.)
"""

from __future__ import annotations

import random
import time

from sqlalchemy import func, select

from kiosk.backoffice.training.models import TrainingSaleRow
from kiosk.domain.scan import Scan
from kiosk.sync.service import SyncService
from tests.sync.transport import FaultyTransport, kiosk_client

TEA = "4901234000148"
WALLET_CODE = "281234567890123452"


def _wait(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_function_card_qr_and_emoney_sell_while_the_back_office_is_down(
    client, bo_db, kiosk_token, make_runtime
):
    runtime = make_runtime()
    assert runtime.training  # the simulators take the money
    link = FaultyTransport(client, random.Random(5))
    link.down = True  # the back office does not answer
    sync = SyncService(runtime, runtime.store, "http://testserver", kiosk_token)
    sync.client = sync.relay.client = kiosk_client(link)
    sync.relay.idle_s, sync.relay.backoff.cap_s = 0.05, 0.2
    runtime.on_shutdown(sync.stop)
    sync.start()
    assert _wait(lambda: runtime.backoffice_reachable is False)

    sales = []
    for method_id in ("card", "qr", "emoney"):
        runtime.handle_scan(Scan(TEA))
        offered = {m.id for m in runtime.payment_methods()}
        assert {"card", "qr", "emoney", "cash"} <= offered, method_id
        assert runtime.methods_unavailable() == []  # nothing to explain to the shopper
        if method_id == "qr":
            runtime.method("qr").present_code(WALLET_CODE)
        if method_id == "emoney":
            runtime.method("emoney").reader.present(balance=5000)
        sale = runtime.pay(method_id)
        assert sale is not None and sale.tenders[0].method == method_id
        sales.append(sale.sale_id)
        runtime.finish()  # the next shopper
    assert runtime.backoffice_reachable is False  # still down: the sales wait in the outbox
    assert len(runtime.store.unsent_outbox()) >= len(sales)

    link.down = False  # the back office is back

    def delivered() -> dict[str, int]:
        with bo_db.transaction() as session:
            rows = session.execute(
                select(TrainingSaleRow.sale_id, func.count()).group_by(TrainingSaleRow.sale_id)
            ).all()
        return {sale_id: count for sale_id, count in rows}

    assert _wait(lambda: not runtime.store.unsent_outbox())
    assert delivered() == dict.fromkeys(sales, 1)  # each once, none lost
    assert runtime.backoffice_reachable is True
