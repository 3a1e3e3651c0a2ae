"""A re-enrolled kiosk sends again without a restart.

GIVEN a kiosk whose token the back office refuses (revoked): the relay stopped, staff see the
      ``revoked`` alert, sales wait in the outbox
WHEN staff re-enrol the kiosk (``enrol-kiosk``) and put the new token in its kiosk.toml
THEN the running sync thread picks the token up, the waiting sales reach the back office
     once each, and the alert leaves. Before: the thread ended at the refusal and only a
     restart of the kiosk process sent again.

The back office is the real app (both databases); the kiosk's token is read from a real
kiosk.toml through the configuration loader (``current_backoffice_token``).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from kiosk.backoffice.sales.models import SaleRow
from kiosk.backoffice.staff.auth import enrol_kiosk, revoke_kiosk
from kiosk.config import current_backoffice_token, load_config
from kiosk.sync.relay import CycleOutcome
from kiosk.sync.service import SyncService
from tests.backoffice.factories import make_sale
from tests.sync.test_function_sync_service import _wait
from tests.sync.transport import FaultyTransport, kiosk_client

OPENED = datetime(2026, 12, 7, 14, 5)


def _write_token(path, token: str) -> None:
    path.write_text(
        f'[backoffice]\nurl = "http://testserver"\ntoken = "{token}"\n', encoding="utf-8"
    )


def _stored(bo_db) -> list[str]:
    with bo_db.transaction() as session:
        return sorted(session.scalars(select(SaleRow.sale_id)).all())


def _service(runtime, client, token, toml, *, lose: float = 0.0) -> SyncService:
    config = load_config(toml, demo=True)  # the demo store under the site file's token
    transport = FaultyTransport(client, random.Random(5), lose=lose)
    return SyncService(
        runtime,
        runtime.store,
        "http://testserver",
        token,
        client=kiosk_client(transport),
        token_source=lambda: current_backoffice_token(config),
    )


def test_the_sync_thread_sends_again_once_the_kiosk_is_re_enrolled(
    client, bo_db, clock, kiosk_token, make_runtime, tmp_path
):
    runtime = make_runtime()
    toml = tmp_path / "kiosk.toml"
    _write_token(toml, kiosk_token)
    sync = _service(runtime, client, kiosk_token, toml)
    sync.relay.idle_s = 0.05
    runtime.on_shutdown(sync.stop)
    now = runtime.clock()  # fresh sales: no backlog alert beside the refusal
    runtime.store.commit_sale(make_sale(1, now))
    sync.start()
    assert _wait(lambda: len(_stored(bo_db)) == 1)

    with bo_db.transaction() as session:  # the kiosk is revoked (lost, or a mistake)
        revoke_kiosk(session, "K01", clock(), "admin")
    for n in (2, 3):
        runtime.store.commit_sale(make_sale(n, now))
    assert _wait(lambda: [a.kind for a in runtime.sync_alerts()] == ["revoked"])
    assert sync._thread.is_alive()  # waiting for a new token, not ended
    assert len(_stored(bo_db)) == 1

    with bo_db.transaction() as session:  # staff re-enrol it and put the token in kiosk.toml
        new_token = enrol_kiosk(session, "K01", clock())
    _write_token(toml, new_token)

    assert _wait(lambda: not runtime.store.unsent_outbox())
    assert _stored(bo_db) == sorted(make_sale(n, OPENED).sale_id for n in (1, 2, 3))
    assert _wait(lambda: runtime.sync_alerts() == ())  # the alert left by itself
    assert sync.relay.token == new_token and sync.masterdata.token == new_token
    assert runtime.online is True


def test_a_wrong_new_token_is_refused_again_and_nothing_is_sent_twice(
    client, bo_db, clock, kiosk_token, make_runtime, tmp_path
):
    """Cycle by cycle, with half the answers lost after the back office stored the batch."""
    runtime = make_runtime()
    toml = tmp_path / "kiosk.toml"
    _write_token(toml, kiosk_token)
    sync = _service(runtime, client, kiosk_token, toml, lose=0.5)
    with bo_db.transaction() as session:
        revoke_kiosk(session, "K01", clock(), "admin")
    for n in range(1, 13):
        runtime.store.commit_sale(make_sale(n, OPENED + timedelta(minutes=n)))
    assert _until(sync, CycleOutcome.STOPPED)
    assert not sync.take_new_token()  # the file still has the refused token

    _write_token(toml, "K01.not-the-new-one")  # a typo: refused as well, told again
    assert sync.take_new_token()
    assert _until(sync, CycleOutcome.STOPPED)
    (alert,) = runtime.sync_alerts()
    assert alert.kind == "revoked" and alert.number == 2 and alert.unsent == 12

    with bo_db.transaction() as session:
        new_token = enrol_kiosk(session, "K01", clock())
    _write_token(toml, new_token)
    assert sync.take_new_token()
    for _ in range(60):
        if not runtime.store.unsent_outbox():
            break
        sync.relay.send_once()
    assert not runtime.store.unsent_outbox()
    assert _stored(bo_db) == sorted(make_sale(n, OPENED).sale_id for n in range(1, 13))
    assert runtime.sync_alerts() == ()
    sync.client.close()


def _until(sync: SyncService, outcome: CycleOutcome, cycles: int = 20) -> bool:
    return any(sync.relay.send_once().outcome is outcome for _ in range(cycles))
