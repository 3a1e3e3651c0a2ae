"""A plugin's own store tables come from its Alembic folder (kiosk_store_migrations)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from kiosk.app import build_plugin_host, store_migrations
from kiosk.config import load_config
from kiosk.store import LocalStore
from kiosk.store.engine import sqlite_engine
from kiosk.store.migrate import UnknownMigration
from plugins.tax_free.layout import STORE_MIGRATIONS


def _tables(store: LocalStore) -> set[str]:
    return set(inspect(store.engine).get_table_names())


def test_the_kiosk_asks_its_plugins_for_their_migration_folders(tmp_path):
    """GIVEN the built-in plugins WHEN the kiosk collects kiosk_store_migrations THEN the
    tax-free folder is among them and the store built with them has its tables."""
    config = load_config(None, demo=True, data_dir=tmp_path)
    folders = store_migrations(build_plugin_host(config))
    assert STORE_MIGRATIONS in folders
    store = LocalStore(tmp_path / "kiosk.sqlite3", folders)
    assert "taxfree_records" in _tables(store)
    store.close()


def test_without_the_plugin_there_are_no_plugin_tables(tmp_path):
    store = LocalStore(tmp_path / "kiosk.sqlite3")
    assert "taxfree_records" not in _tables(store)
    store.close()


def test_a_store_with_tables_of_a_plugin_not_loaded_now_opens_as_it_is(tmp_path):
    """GIVEN a store the tax-free plugin made tables in WHEN a tool opens it without that
    plugin THEN it opens, and the plugin's tables are left alone."""
    LocalStore(tmp_path / "kiosk.sqlite3", [STORE_MIGRATIONS]).close()
    store = LocalStore(tmp_path / "kiosk.sqlite3")
    assert "taxfree_records" in _tables(store)
    store.close()


def test_a_store_that_needs_an_upgrade_past_an_unknown_plugin_is_refused(tmp_path):
    """GIVEN a store with a revision no loaded plugin provides and a core branch behind its
    head WHEN it is opened THEN it is refused naming the revision, not half-upgraded."""
    LocalStore(tmp_path / "kiosk.sqlite3", [STORE_MIGRATIONS]).close()
    engine = sqlite_engine(tmp_path / "kiosk.sqlite3")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version WHERE version_num != 'taxfree_0002'"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('0001')"))
    engine.dispose()
    with pytest.raises(UnknownMigration, match="taxfree_0002"):
        LocalStore(tmp_path / "kiosk.sqlite3")
