"""A store of kiosks with loyalty and coupons, synced through one in-process back office."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from kiosk.backoffice.staff.auth import enrol_kiosk
from kiosk.runtime import KioskRuntime
from kiosk.store.models import JournalRow
from kiosk.sync.relay import CycleOutcome
from kiosk.sync.service import SyncService
from plugins.conftest import settings
from plugins.loyalty import loyalty_for
from tests.sync.transport import FaultyTransport, kiosk_client

NAME, PHONE, EMAIL = "佐藤 花子", "090-1234-8765", "hanako.sato@example.jp"


@dataclass
class Kiosk:
    runtime: KioskRuntime
    sync: SyncService
    transport: FaultyTransport

    @property
    def loyalty(self) -> Any:
        return loyalty_for(self.runtime)

    def sync_now(self) -> None:
        """What the sync thread does in one quiet moment: send everything, then pull."""
        assert self.sync.relay.run(50, stop_when_idle=True).outcome is CycleOutcome.IDLE
        assert not self.runtime.store.unsent_outbox()
        for pull in self.sync.pullers:
            pull(self.sync.client, self.sync.relay.token)  # errors surface in the test

    def journal(self, kind: str) -> list[str]:
        with self.runtime.store.transaction() as session:
            rows = session.scalars(select(JournalRow.payload).where(JournalRow.kind == kind))
            return list(rows)


class Shop:
    """``shop.kiosk("K01")`` → a started kiosk enrolled at the back office, on one clock."""

    def __init__(self, make_runtime, bo_db, client, clock, tmp_path) -> None:
        self.make_runtime, self.bo_db, self.client = make_runtime, bo_db, client
        self.clock, self.tmp_path = clock, tmp_path

    def kiosk(self, kiosk_id: str, **overrides: Any) -> Kiosk:
        with self.bo_db.transaction() as session:
            token = enrol_kiosk(session, kiosk_id, self.clock())
        overrides.setdefault("plugin_config", settings())
        overrides.setdefault("training", False)  # real sales: points and coupons are booked
        runtime = self.make_runtime(
            data_dir=self.tmp_path / kiosk_id, kiosk_id=kiosk_id, **overrides
        )
        runtime.clock = self.clock
        transport = FaultyTransport(self.client, random.Random(7))
        sync = SyncService(
            runtime, runtime.store, "http://testserver", token, client=kiosk_client(transport)
        )
        sync.relay.clock, sync.relay.sleep = self.clock, self.clock.sleep
        return Kiosk(runtime, sync, transport)


def enrol(kiosk: Kiosk, **fields: str) -> str:
    service = kiosk.loyalty
    offer = service.begin_enrolment("ja")
    return service.enrol(offer.token, True, **fields).member.member_id
