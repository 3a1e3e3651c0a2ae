"""Fixtures of the sync tests: the back office (both databases), a kiosk store, a lossy link."""

import random

import pytest

from kiosk.store import LocalStore
from tests.backoffice.databases import app, bo_db, client, clock, kiosk_token, postgres_url, staff
from tests.sync.transport import FaultyTransport

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
