"""An emptied, replaced or older database: the kiosk stops selling until staff confirm it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.app import build_runtime
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.domain.scan import Scan
from kiosk.runtime import StoreNotConfirmed
from kiosk.store import LocalStore, identity
from kiosk.store.models import JournalRow
from tests.store.test_journal_anchor import copy_database
from tests.test_cli import SCRIPT

ONIGIRI = "4901234000018"


@pytest.fixture
def data(tmp_path):
    return tmp_path / "d"


def checkout(data, tmp_path) -> None:
    script = tmp_path / "visit.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    assert main(["--data-dir", str(data), "checkout", "--script", str(script)]) == 0


def empty_the_database(data) -> None:
    """The file is still there, with nothing in it (as after a botched restore)."""
    for name in ("kiosk.sqlite3-wal", "kiosk.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    (data / "kiosk.sqlite3").write_bytes(b"")


def journal_kinds(path) -> list[str]:
    store = LocalStore(path)
    try:
        with store.transaction() as s:
            return list(s.scalars(select(JournalRow.kind).order_by(JournalRow.seq)))
    finally:
        store.close()


def test_a_new_store_is_its_own_and_sells(tmp_path):
    """GIVEN a fresh data directory THEN the database gets an instance id and the marker."""
    store = LocalStore(tmp_path / "kiosk.sqlite3")
    try:
        marker = identity.read_marker(store.path)
        assert marker is not None and marker.instance_id == store.instance_id
        assert identity.check(store).ok
    finally:
        store.close()
    again = LocalStore(tmp_path / "kiosk.sqlite3")
    try:
        assert again.instance_id == marker.instance_id  # kept with the database
    finally:
        again.close()


def test_an_emptied_database_refuses_to_sell_until_staff_confirm(data, tmp_path, capsys):
    """GIVEN a kiosk that sold once WHEN its kiosk.sqlite3 is emptied THEN journal verify and
    doctor fail, the kiosk refuses scans and payments; after 'kiosk store confirm-new' it sells."""
    checkout(data, tmp_path)
    assert identity.read_marker(data / "kiosk.sqlite3").last_receipt == 1
    empty_the_database(data)
    capsys.readouterr()

    assert main(["--data-dir", str(data), "journal", "verify"]) == 1
    err = capsys.readouterr().err
    assert "deleted, emptied or replaced" in err and "confirm-new" in err
    assert main(["--data-dir", str(data), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "identity     REPLACED" in out and "PROBLEM: " in out

    config = load_config(None, data_dir=data)
    runtime = build_runtime(config)
    try:
        assert runtime.identity_problem is not None
        assert runtime.identity_problem.codes == ["replaced"]
        refused = runtime.handle_scan(Scan(ONIGIRI))
        assert not refused.accepted and refused.error_text("ja").startswith("このレジは休止中です")
        with pytest.raises(StoreNotConfirmed, match="confirm-new"):
            runtime.pay("cash")
        assert runtime.store.sale_count() == 0
    finally:
        runtime.shutdown()

    with pytest.raises(SystemExit):  # --reason is required
        main(["--data-dir", str(data), "store", "confirm-new"])
    assert main(["--data-dir", str(data), "store", "confirm-new", "--reason", " "]) == 1
    assert "say why" in capsys.readouterr().err
    reason = ["store", "confirm-new", "--reason", "restore failed, started a new database"]
    assert main(["--data-dir", str(data), *reason]) == 0
    assert "confirmed" in capsys.readouterr().out
    assert main(["--data-dir", str(data), *reason]) == 0
    assert "nothing to confirm" in capsys.readouterr().out
    assert main(["--data-dir", str(data), "journal", "verify"]) == 0
    kinds = journal_kinds(data / "kiosk.sqlite3")
    assert kinds.count(identity.PROBLEM_KIND) == 1  # journaled once, not on every start
    assert kinds[-1] == identity.CONFIRM_KIND

    runtime = build_runtime(config)
    try:
        assert runtime.identity_problem is None
        assert runtime.handle_scan(Scan(ONIGIRI)).accepted
        sale = runtime.pay("cash")
        assert sale is not None and sale.receipt_no == 1
    finally:
        runtime.shutdown()


def test_an_older_copy_put_back_is_found_by_its_receipt_numbers(data, tmp_path, capsys):
    """GIVEN a copy taken after receipt 1 WHEN it is put back after receipt 2 was issued THEN
    verify fails naming both numbers (the next sale would issue receipt 2 twice)."""
    checkout(data, tmp_path)
    store = LocalStore(data / "kiosk.sqlite3")
    copy_database(store, tmp_path / "old.sqlite3")
    store.close()
    checkout(data, tmp_path)
    (tmp_path / "old.sqlite3").replace(data / "kiosk.sqlite3")
    capsys.readouterr()
    assert main(["--data-dir", str(data), "journal", "verify"]) == 1
    err = capsys.readouterr().err
    assert "newest receipt here is No. 1" in err and "issued No. 2" in err
    assert "最新のレシート番号は1" in err


def test_a_marker_of_another_database_is_kept_not_overwritten(tmp_path):
    first = LocalStore(tmp_path / "kiosk.sqlite3")
    first_id = first.instance_id
    first.close()
    (tmp_path / "kiosk.sqlite3").unlink()
    second = LocalStore(tmp_path / "kiosk.sqlite3")
    try:
        assert identity.read_marker(second.path).instance_id == first_id
        assert identity.check(second).codes == ["replaced"]
    finally:
        second.close()
