"""Fixtures of the sync tests: the back office (both databases), a kiosk store, a lossy link."""

import random

import pytest

from kiosk.store import LocalStore
from kiosk.sync.relay import OutboxRelay
from tests.backoffice.databases import app, bo_db, client, clock, kiosk_token, postgres_url, staff
from tests.sync.transport import FaultyTransport, kiosk_client

__all__ = ["app", "bo_db", "client", "clock", "kiosk_token", "postgres_url", "staff"]


@pytest.fixture
def store(tmp_path):
    """A kiosk's local store on a temp file."""
    s = LocalStore(tmp_path / "kiosk.sqlite3")
    yield s
    s.close()


@pytest.fixture
def transport(client):
    """The back office's test client behind a link that fails now and then (seeded)."""
    return FaultyTransport(client, random.Random(7))


class FakeRuntime:
    backoffice_reachable = True


@pytest.fixture
def relay(store, transport, kiosk_token, clock):
    """The kiosk's outbox relay to the back office over the lossy link (batches of 10)."""
    http = kiosk_client(transport)
    r = OutboxRelay(
        store,
        http,
        kiosk_token,
        runtime=FakeRuntime(),
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(1),
        batch_size=10,
    )
    yield r
    http.close()


@pytest.fixture
def card_terminal():
    """A card terminal "on the LAN": with its address configured, a kiosk's card sales are
    real sales (not training), which is what reaches the back office's reports."""
    from plugins.pay_card.simulator import CardTerminalSimulator

    terminal = CardTerminalSimulator().start()
    yield terminal
    terminal.stop()


def real_card(terminal, plugin_config: dict | None = None) -> dict:
    """make_runtime overrides for a kiosk with no simulators: card through ``terminal`` only
    (cash, QR and e-money have no connection settings and stay off)."""
    tables = dict(plugin_config or {})
    tables["pay_card"] = {"host": "127.0.0.1", "port": terminal.port}
    return {"hardware_profile": "cashless", "plugin_config": tables}
