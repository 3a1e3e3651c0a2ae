"""Semi-self through the store server: "go to kiosk 2", claim on arrival, paid, expired."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from kiosk.backoffice.audit import service as audit
from kiosk.domain.events import CheckoutState
from kiosk.domain.scan import Scan
from kiosk.staff import StaffRegistry
from plugins.handoff.client import StoreServer
from plugins.handoff.plugin import handoff_for
from plugins.handoff.station import StaffStation
from plugins.handoff.tests.conftest import BEER, ONIGIRI, PLUGINS, STORE_KEY, TUNA
from plugins.handoff.ticket import TicketKeys
from tests.console.conftest import (  # the back office in-process, kiosks enrolled
    app,
    attendant,
    bo_db,
    client,
    clock,
    postgres_url,
    staff,
    tile,
    tokens,
)

__all__ = ["app", "attendant", "bo_db", "client", "clock", "postgres_url", "staff", "tokens"]


@pytest.fixture(autouse=True)
def _server_clock_near_now(clock):
    """Tickets carry the kiosks' real time; keep the back office's fake clock beside it."""
    clock.now = datetime.now().replace(microsecond=0)


@pytest.fixture
def store(make_runtime, tmp_path, client, tokens):
    """Station ST1 and payment kiosks K02, K03 wired to the in-process back office."""

    def make(kiosk_id, role):
        runtime = make_runtime(
            kiosk_id=kiosk_id,
            data_dir=tmp_path / kiosk_id,
            builtin_plugins=PLUGINS,
            plugin_config={"handoff": {"hmac_key": STORE_KEY, "role": role}},
        )
        handoff_for(runtime).connect(StoreServer(client, tokens[kiosk_id]))
        return runtime

    station_rt = make("ST1", "station")
    kiosks = {k: make(k, "payment") for k in ("K02", "K03")}
    station = StaffStation(
        station_rt,
        TicketKeys.from_settings({"hmac_key": STORE_KEY}),
        StaffRegistry.from_settings({}),
        handoff_for(station_rt).server,
    )
    station.sign_in("S001", "1234")
    for runtime in (station_rt, *kiosks.values()):
        handoff_for(runtime).reporter.send_once()
    return station, kiosks


def tile_field(client, kiosk_id, key):
    """A figure the plugin adds to a kiosk's console tile (ConsolePart.tile)."""
    return next(f["value"] for f in tile(client, kiosk_id)["fields"] if f["key"] == key)


def hand_off(station, *codes):
    for code in codes:
        station.scan(code)
    station.approve_pending()
    return station.hand_off()


def test_function_idle_kiosks_are_assigned_then_paper_when_none_is_free(
    store, attendant, clock, bo_db
):
    """GIVEN payment kiosks 2 and 3 idle WHEN three baskets are handed off THEN the first goes
    to kiosk 2, the second to 3, the third prints a QR; kiosk 2 takes its basket when the
    shopper taps start, the sale is reported, and unpaid hand-offs expire visibly."""
    station, kiosks = store
    first = hand_off(station, ONIGIRI, BEER)
    assert (first.kiosk_id, first.paper) == ("K02", False)
    assert "Please pay at kiosk 2" in first.slip_lines()
    second = hand_off(station, TUNA)
    assert second.kiosk_id == "K03"
    third = hand_off(station, TUNA, TUNA)
    assert third.paper and "idle" in third.reason

    k2 = kiosks["K02"]
    assert handoff_for(k2).receiver.take_assigned().handoff_id == first.ticket.handoff_id
    assert k2.checkout.read_only and k2.checkout.totals.total == 378
    reporter = handoff_for(k2).reporter
    reporter.send_once()
    assert tile_field(attendant, "K02", "handoff_id") == first.ticket.handoff_id
    sale = k2.pay("cash")
    k2.finish()
    assert sale.staff_id == "S001" and sale.extra["handoff_via"] == "server"
    reporter.send_once()

    states = {
        h["handoff_id"]: h["state"] for h in attendant.get("/console/snapshot").json()["handoffs"]
    }
    assert states == {
        first.ticket.handoff_id: "paid",
        second.ticket.handoff_id: "assigned",
        third.ticket.handoff_id: "waiting",
    }
    clock.now = third.ticket.expires_at + timedelta(seconds=1)
    states = {
        h["handoff_id"]: h["state"] for h in attendant.get("/console/snapshot").json()["handoffs"]
    }
    assert (
        states[second.ticket.handoff_id] == "expired"
        and states[third.ticket.handoff_id] == "expired"
    )
    with bo_db.reading() as session:
        assert audit.verify(session).ok


def test_function_short_ticket_scan_takes_the_named_handoff(store):
    station, kiosks = store
    result = hand_off(station, TUNA)
    k3 = kiosks["K03"]  # the shopper went to kiosk 3 instead; staff scan the slip's barcode
    claim = k3.handle_scan(Scan(f"KHT:{result.ticket.handoff_id}")).claim
    assert claim.payload.handoff_id == result.ticket.handoff_id
    assert k3.checkout.state is CheckoutState.SHOPPING and k3.checkout.totals.total == 140


def test_function_unreachable_store_server_prints_the_qr(make_runtime, tmp_path):
    runtime = make_runtime(kiosk_id="ST9", data_dir=tmp_path / "st9", builtin_plugins=PLUGINS)
    dead = StoreServer(httpx.Client(base_url="http://127.0.0.1:9", timeout=1.0), "ST9.x")
    station = StaffStation(
        runtime,
        TicketKeys.from_settings({"hmac_key": STORE_KEY}),
        StaffRegistry.from_settings({}),
        dead,
    )
    station.sign_in("S001", "1234")
    result = hand_off(station, TUNA)
    assert result.paper and "ConnectError" in result.reason
