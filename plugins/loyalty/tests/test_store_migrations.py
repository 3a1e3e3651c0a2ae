"""Loyalty's kiosk store tables come from the plugin's own Alembic folder
(kiosk_store_migrations); a store made when they were core revisions carries on."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from kiosk.app import build_plugin_host, store_migrations
from kiosk.config import load_config
from kiosk.store import LocalStore
from kiosk.store.engine import sqlite_engine
from kiosk.store.migrate import MIGRATIONS, alembic_config
from plugins.conftest import store_revisions
from plugins.loyalty.layout import STORE_MIGRATIONS


def test_the_folder_is_the_plugins_and_the_core_has_no_loyalty_revision():
    assert sorted(p.name for p in STORE_MIGRATIONS.glob("loyalty_*.py")) == [
        "loyalty_0001_members_and_points.py",
        "loyalty_0002_sync_ids.py",
    ]
    assert not list((MIGRATIONS / "versions").glob("loyalty_*"))


def test_the_kiosk_collects_the_folder(tmp_path):
    """GIVEN the built-ins WHEN the kiosk collects kiosk_store_migrations THEN loyalty's
    folder is there once (the coupons plugin has a branch of its own since coupons_0001) and
    the store built with it has the member and points tables."""
    config = load_config(None, demo=True, data_dir=tmp_path)
    folders = store_migrations(build_plugin_host(config))
    assert folders.count(STORE_MIGRATIONS) == 1
    store = LocalStore(tmp_path / "kiosk.sqlite3", folders)
    tables = set(inspect(store.engine).get_table_names())
    assert {"loyalty_members", "loyalty_points"} <= tables
    store.close()
    assert "loyalty_0002" in store_revisions(tmp_path / "kiosk.sqlite3")


def test_a_store_at_the_old_core_revision_upgrades_from_the_plugin_folder(tmp_path):
    """GIVEN a store stamped loyalty_0001 (as a kiosk made it when the revision was core)
    WHEN the kiosk opens it with the plugin's folder THEN loyalty_0002 runs on top of it."""
    path = tmp_path / "kiosk.sqlite3"
    engine = sqlite_engine(path)
    config = alembic_config(engine, [STORE_MIGRATIONS])
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "loyalty_0001")
    engine.dispose()
    assert store_revisions(path) == {"loyalty_0001"}
    store = LocalStore(path, [STORE_MIGRATIONS])
    columns = {c["name"] for c in inspect(store.engine).get_columns("loyalty_points")}
    assert {"entry_id", "kiosk_id"} <= columns  # loyalty_0002's
    store.close()
    assert "loyalty_0002" in store_revisions(path)


def test_a_store_with_loyalty_tables_opens_without_the_plugin(tmp_path):
    """GIVEN a store the loyalty plugin made tables in WHEN a staff tool opens it without the
    plugin THEN it opens as it is, its tables and revision left alone."""
    LocalStore(tmp_path / "kiosk.sqlite3", [STORE_MIGRATIONS]).close()
    store = LocalStore(tmp_path / "kiosk.sqlite3")
    assert "loyalty_members" in inspect(store.engine).get_table_names()
    store.close()
    assert "loyalty_0002" in store_revisions(tmp_path / "kiosk.sqlite3")
