"""Master data: published versions flow to kiosks and apply whole or not at all."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kiosk.backoffice.kiosks.models import KioskRow
from kiosk.backoffice.masterdata import service as masterdata
from kiosk.store import LocalStore
from kiosk.sync.masterdata import (
    InvalidMasterData,
    MasterDataApplier,
    MasterDataCorrupt,
    snapshot_checksum,
)
from tests.factories import BEER, ONIGIRI, SOAP, TEA, product


def publish(bo_db, clock, products, **settings):
    with bo_db.transaction() as s:
        masterdata.upsert_products(s, products, clock(), "test")
        for key, value in settings.items():
            masterdata.set_setting(s, key, value, clock(), "test")
        return masterdata.publish(s, clock(), "test").version


def snapshot(n: int) -> dict:
    items = [product(i, 100 + i) for i in range(1, n + 1)]
    return {
        "products": [
            {f: getattr(p, f) if f != "tax" else p.tax.value for f in masterdata.PRODUCT_FIELDS}
            for p in items
        ],
        "promotions": [{"id": "P1"}],
        "coupons": [],
        "config": {"v": n},
    }


def test_function_kiosk_fetches_and_applies_the_newest_version(
    client, bo_db, clock, kiosk_token, store
):
    """GIVEN a published version WHEN the kiosk checks THEN it applies it and says so."""
    two_for_one = {"id": "2for1", "type": "buy_get", "buy": 1, "get": 1, "skus": [TEA.sku]}
    version = publish(
        bo_db,
        clock,
        [ONIGIRI, TEA, BEER],
        promotions=[two_for_one],
        config={"receipt_footer": "ありがとう"},
    )
    applier = MasterDataApplier(store, client, kiosk_token)
    assert applier.check() == version
    assert {p.sku for p in store.load_catalogue()} == {ONIGIRI.sku, TEA.sku, BEER.sku}
    assert store.get_config("masterdata.promotions") == [two_for_one]
    assert store.get_config("masterdata.config") == {"receipt_footer": "ありがとう"}
    assert applier.check() is None  # unchanged
    with bo_db.reading() as s:
        assert s.get(KioskRow, "K01").masterdata_version == version
    version2 = publish(bo_db, clock, [SOAP])
    assert applier.check() == version2 and applier.version == version2
    assert SOAP.sku in {p.sku for p in store.load_catalogue()}


def test_function_an_error_half_way_leaves_the_old_version(store):
    """GIVEN version 1 applied WHEN version 2 fails after 50 of 100 rows THEN version 1 stays whole."""
    applier = MasterDataApplier(store)
    applier.apply(1, snapshot(10))

    def boom(i: int) -> None:
        if i == 50:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        applier.apply(2, snapshot(100), _after_row=boom)
    assert applier.version == 1
    assert len(store.load_catalogue()) == 10
    assert store.get_config("masterdata.config") == {"v": 10}


@pytest.mark.slow
def test_function_a_kill_half_way_leaves_the_old_version(tmp_path):
    """GIVEN version 1 WHEN the process is killed (os._exit) mid-apply THEN version 1 is intact."""
    path = tmp_path / "kiosk.sqlite3"
    store = LocalStore(path)
    MasterDataApplier(store).apply(1, snapshot(10))
    store.close()
    snap = tmp_path / "v2.json"
    snap.write_text(json.dumps(snapshot(200)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync.masterdata_child", str(path), str(snap), "120"],
        timeout=120,
        check=False,
    )
    assert done.returncode == 9
    store = LocalStore(path)
    try:
        assert MasterDataApplier(store).version == 1
        assert len(store.load_catalogue()) == 10
    finally:
        store.close()


def test_function_bad_snapshots_are_refused_before_writing(store):
    applier = MasterDataApplier(store)
    applier.apply(1, snapshot(3))
    bad = snapshot(5)
    bad["products"][2]["price"] = -1
    with pytest.raises(InvalidMasterData, match="T0003"):
        applier.apply(2, bad)
    assert len(store.load_catalogue()) == 3


def test_function_a_damaged_snapshot_is_refused(
    client, bo_db, clock, kiosk_token, store, monkeypatch
):
    publish(bo_db, clock, [ONIGIRI])
    monkeypatch.setattr("kiosk.sync.masterdata.snapshot_checksum", lambda s: "0" * 64)
    with pytest.raises(MasterDataCorrupt):
        MasterDataApplier(store, client, kiosk_token).check()
    assert snapshot_checksum({"a": 1}) == masterdata.checksum({"a": 1})
