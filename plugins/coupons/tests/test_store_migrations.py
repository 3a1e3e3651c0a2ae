"""The coupon tables are the coupons plugin's own store branch (``coupons``), with the
loyalty plugin loaded or not; a store made when they were in loyalty's branch
(``loyalty_0001``) keeps them, rows and all."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import inspect, text

from kiosk.app import build_plugin_host, store_migrations
from kiosk.config import load_config
from kiosk.store import LocalStore
from kiosk.store.engine import sqlite_engine
from kiosk.store.migrate import UnknownMigration
from plugins.conftest import RICE, coupon_qr, scan, settings, store_revisions
from plugins.coupons import STORE_MIGRATIONS
from plugins.coupons import tables as t
from plugins.loyalty.layout import STORE_MIGRATIONS as LOYALTY

COUPON_TABLES = {"coupon_uses", "coupon_remote_uses", "coupon_member_coupons"}
LOYALTY_TABLES = {"loyalty_members", "loyalty_points", "loyalty_sales"}
WITHOUT_LOYALTY = ("plugins.pay_cash", "plugins.coupons", "plugins.promotions")

#: the coupon tables as ``loyalty_0001`` made them before coupons had a branch (SQLite's
#: ``sqlite_master`` of a store made by that revision)
OLD_LAYOUT = (
    """CREATE TABLE coupon_uses (id INTEGER NOT NULL, coupon_id VARCHAR(80) NOT NULL,
    definition_id VARCHAR(64) NOT NULL, single_use BOOLEAN NOT NULL, state VARCHAR(16) NOT NULL,
    sale_id VARCHAR(36) NOT NULL, kiosk_id VARCHAR(32) NOT NULL, member_id VARCHAR(32),
    reserved_at DATETIME NOT NULL, settled_at DATETIME, PRIMARY KEY (id))""",
    "CREATE INDEX ix_coupon_uses_member_id ON coupon_uses (member_id)",
    "CREATE INDEX ix_coupon_uses_coupon_id ON coupon_uses (coupon_id)",
    "CREATE INDEX ix_coupon_uses_sale_id ON coupon_uses (sale_id)",
    """CREATE UNIQUE INDEX ux_coupon_uses_single_live ON coupon_uses (coupon_id)
    WHERE single_use = 1 AND state IN ('reserved', 'consumed')""",
    """CREATE TABLE coupon_remote_uses (coupon_id VARCHAR(80) NOT NULL,
    sale_id VARCHAR(36) NOT NULL, kiosk_id VARCHAR(32) DEFAULT '' NOT NULL,
    seen_at DATETIME NOT NULL, PRIMARY KEY (coupon_id, sale_id))""",
    """CREATE TABLE coupon_member_coupons (member_id VARCHAR(32) NOT NULL,
    definition_id VARCHAR(64) NOT NULL, attached_at DATETIME NOT NULL,
    PRIMARY KEY (member_id, definition_id))""",
)
AT = datetime(2026, 3, 2, 12, 0)


def _tables(store: LocalStore) -> set[str]:
    return set(inspect(store.engine).get_table_names())


def _old_layout_store(path) -> None:
    """A store as a kiosk with loyalty and coupons made it before this branch: loyalty's
    revisions, the coupon tables without a revision of their own, and a use in each."""
    LocalStore(path, [LOYALTY]).close()
    engine = sqlite_engine(path)
    with engine.begin() as connection:
        for statement in OLD_LAYOUT:
            connection.execute(text(statement))
        connection.execute(
            t.uses.insert().values(
                coupon_id="C100:OLD-1",
                definition_id="C100",
                single_use=True,
                state="consumed",
                sale_id="S-OLD",
                kiosk_id="K01",
                reserved_at=AT,
            )
        )
        connection.execute(
            t.remote_uses.insert().values(
                coupon_id="C100:OLD-2", sale_id="S-K02", kiosk_id="K02", seen_at=AT
            )
        )
        connection.execute(
            t.member_coupons.insert().values(member_id="M1", definition_id="FLYER", attached_at=AT)
        )
    engine.dispose()


def test_the_kiosk_collects_each_plugins_own_folder(tmp_path):
    """GIVEN the built-ins WHEN the kiosk collects kiosk_store_migrations THEN coupons names
    its own folder and loyalty its own, and the store built with them has both's tables."""
    config = load_config(None, demo=True, data_dir=tmp_path)
    folders = store_migrations(build_plugin_host(config))
    assert folders.count(STORE_MIGRATIONS) == 1 and folders.count(LOYALTY) == 1
    store = LocalStore(tmp_path / "kiosk.sqlite3", folders)
    assert _tables(store) >= COUPON_TABLES | LOYALTY_TABLES
    store.close()
    assert {"coupons_0001", "loyalty_0002"} <= store_revisions(tmp_path / "kiosk.sqlite3")


def test_a_fresh_store_without_loyalty_has_the_coupon_tables_only(tmp_path):
    store = LocalStore(tmp_path / "kiosk.sqlite3", [STORE_MIGRATIONS])
    assert _tables(store) >= COUPON_TABLES
    assert not LOYALTY_TABLES & _tables(store)
    store.close()
    assert "coupons_0001" in store_revisions(tmp_path / "kiosk.sqlite3")


def test_a_fresh_store_with_loyalty_only_has_no_coupon_tables(tmp_path):
    store = LocalStore(tmp_path / "kiosk.sqlite3", [LOYALTY])
    assert _tables(store) >= LOYALTY_TABLES
    assert not COUPON_TABLES & _tables(store)
    store.close()


def test_a_store_of_the_old_layout_keeps_its_coupon_tables_and_rows(tmp_path):
    """GIVEN a store whose coupon tables loyalty_0001 made, with a use in each WHEN the
    kiosk opens it with both plugins' folders THEN coupons_0001 is recorded over the
    tables already there: the rows are kept and single use is still enforced."""
    path = tmp_path / "kiosk.sqlite3"
    _old_layout_store(path)
    assert "coupons_0001" not in store_revisions(path)
    store = LocalStore(path, [LOYALTY, STORE_MIGRATIONS])
    with store.engine.connect() as connection:
        assert connection.execute(t.uses.select()).one().coupon_id == "C100:OLD-1"
        assert connection.execute(t.remote_uses.select()).one().sale_id == "S-K02"
        assert connection.execute(t.member_coupons.select()).one().member_id == "M1"
    indexes = {i["name"] for i in inspect(store.engine).get_indexes("coupon_uses")}
    assert "ux_coupon_uses_single_live" in indexes
    store.close()
    assert {"coupons_0001", "loyalty_0002"} <= store_revisions(path)
    reopened = LocalStore(path, [LOYALTY, STORE_MIGRATIONS])  # at heads: nothing runs again
    with reopened.engine.connect() as connection:
        assert len(connection.execute(t.uses.select()).all()) == 1
    reopened.close()


def test_a_kiosk_without_loyalty_takes_a_coupon(make_runtime, tmp_path):
    """GIVEN a kiosk with coupons and promotions but no loyalty plugin WHEN a coupon is
    scanned and the sale paid THEN the use is booked in the coupons plugin's own table."""
    config = {k: v for k, v in settings().items() if k != "loyalty"}
    runtime = make_runtime(
        data_dir=tmp_path / "k",
        plugin_config=config,
        builtin_plugins=WITHOUT_LOYALTY,
        training=False,
    )
    assert not LOYALTY_TABLES & _tables(runtime.store)
    scan(runtime, RICE)
    assert "accepted" in scan(runtime, coupon_qr("C100", "SOLO-KIOSK")).claim.text("en")
    sale = runtime.pay("cash")
    runtime.finish()
    with runtime.store.engine.connect() as connection:
        use = connection.execute(t.uses.select()).one()
    assert (use.coupon_id, use.sale_id, use.state) == ("C100:SOLO-KIOSK", sale.sale_id, "consumed")


def test_an_old_store_made_without_loyalty_is_refused_in_one_line_without_it(tmp_path):
    """GIVEN an old-layout store (loyalty's branch, which the coupons plugin used to name)
    WHEN it is opened with coupons but not loyalty THEN it is refused naming loyalty_0002,
    nothing upgraded; with loyalty loaded once it carries on (known limit of the runner:
    kiosk.store.migrate.upgrade_to_heads does not upgrade past a branch it does not know)."""
    path = tmp_path / "kiosk.sqlite3"
    _old_layout_store(path)
    with pytest.raises(UnknownMigration, match="loyalty_0002"):
        LocalStore(path, [STORE_MIGRATIONS])
    assert "coupons_0001" not in store_revisions(path)
    LocalStore(path, [LOYALTY, STORE_MIGRATIONS]).close()
    store = LocalStore(path, [STORE_MIGRATIONS])
    with store.engine.connect() as connection:
        assert len(connection.execute(t.uses.select()).all()) == 1
    store.close()
