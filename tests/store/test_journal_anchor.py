"""Journal anchors on the kiosk: a cut tail or an older database copy is found by seq."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

import pytest
from sqlalchemy import func, select

from kiosk.store import LocalStore
from kiosk.store import anchor as anchors
from kiosk.store.anchor import Anchor, BadAnchor
from kiosk.store.models import JournalRow
from tests.store.test_local_store import make_sale


@pytest.fixture
def store(tmp_path):
    s = LocalStore(tmp_path / "kiosk.sqlite3")
    yield s
    s.close()


def sell(store: LocalStore, first: int, last: int) -> None:
    for n in range(first, last + 1):
        store.commit_sale(make_sale(n))


def anchor_head(store: LocalStore) -> Anchor:
    head = anchors.head(store)
    assert head is not None
    anchors.save_anchor(store, head)
    return head


def copy_database(src: LocalStore, path) -> None:
    """A consistent copy of the live file, as a backup tool (or an attacker) would take."""
    with closing(sqlite3.connect(src.path)) as live, closing(sqlite3.connect(path)) as copy:
        live.backup(copy)


def cut_tail(store: LocalStore, from_seq: int) -> None:
    with closing(sqlite3.connect(store.path)) as raw, raw:
        raw.execute("delete from journal where seq >= ?", (from_seq,))


def test_an_honest_kiosk_passes_its_local_anchor(store):
    """GIVEN an anchored journal WHEN more sales follow THEN the anchor still holds."""
    assert anchors.check_local(store) is None  # nothing anchored yet: nothing to claim
    sell(store, 1, 4)
    head = anchor_head(store)
    sell(store, 5, 7)
    result = anchors.check_local(store)
    assert result is not None and result.ok
    assert result.anchor == head and "OK" in result.message


def test_a_tail_cut_below_the_anchor_is_found_though_the_chain_verifies(store):
    """GIVEN rows 1-6 anchored at 6 WHEN rows 4-6 are deleted THEN the check names row 6."""
    sell(store, 1, 6)
    anchor_head(store)
    cut_tail(store, 4)
    assert store.verify_journal().ok  # the gap the anchor exists for
    result = anchors.check_local(store)
    assert result is not None and not result.ok
    assert result.anchor.seq == 6
    assert "journal row 6" in result.text("en") and "missing" in result.text("en")
    assert "第6行" in result.text("ja") and "末尾が削除" in result.text("ja")


def test_an_older_copy_of_the_database_is_found(store, tmp_path):
    """GIVEN a copy taken at row 3 and an anchor at row 6 WHEN the copy is put back THEN the
    remembered anchor's row is missing, and after new sales its hash differs."""
    sell(store, 1, 3)
    copy_database(store, tmp_path / "old.sqlite3")
    sell(store, 4, 6)
    anchored = anchor_head(store)
    store.close()
    (tmp_path / "old.sqlite3").replace(store.path)
    swapped = LocalStore(store.path)
    try:
        assert swapped.verify_journal().ok
        missing = anchors.check(swapped, anchored, anchors.BACK_OFFICE)
        assert not missing.ok and "journal row 6" in missing.text("en")
        sell(swapped, 104, 108)  # the old copy sells on: row 6 exists again, with other content
        forked = anchors.check(swapped, anchored, anchors.BACK_OFFICE)
        assert not forked.ok and "does not match" in forked.text("en")
        assert "第6行のハッシュ" in forked.text("ja")
    finally:
        swapped.close()


def test_the_stored_anchor_never_moves_back(store):
    sell(store, 1, 5)
    anchors.save_anchor(store, Anchor(5, "a" * 64))
    anchors.save_anchor(store, Anchor(3, "b" * 64))
    assert anchors.local_anchor(store) == Anchor(5, "a" * 64)


def test_a_damaged_stored_anchor_is_ignored_not_fatal(store, caplog):
    store.set_config(anchors.CONFIG_KEY, {"seq": "five", "hash": "x"})
    assert anchors.local_anchor(store) is None
    assert "stored journal anchor ignored" in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"seq": 0, "hash": "a" * 64},
        {"seq": True, "hash": "a" * 64},
        {"seq": 1, "hash": "A" * 64},
        {"seq": 1},
    ],
)
def test_bad_anchors_are_refused_with_a_reason(value):
    with pytest.raises(BadAnchor):
        Anchor.from_json(value)


def test_a_problem_is_journaled_and_sales_go_on(store):
    """GIVEN a cut tail WHEN the problem is recorded THEN it is in the journal and the next
    sale still commits."""
    sell(store, 1, 4)
    anchor_head(store)
    cut_tail(store, 3)
    result = anchors.check_local(store)
    assert result is not None
    anchors.record_problem(store, result, datetime(2026, 11, 22, 13, 0))
    sell(store, 5, 5)
    with store.transaction() as session:
        kinds = session.scalars(select(JournalRow.kind).order_by(JournalRow.seq)).all()
        sales = session.scalar(
            select(func.count()).select_from(JournalRow).where(JournalRow.kind == "sale")
        )
    assert kinds[-2:] == [anchors.PROBLEM_KIND, "sale"]
    assert sales == 3


def test_kiosk_journal_verify_checks_the_local_anchor(tmp_path, capsys):
    """GIVEN an anchored store with no back office configured WHEN its tail is cut THEN
    ``kiosk journal verify`` fails naming the row, in Japanese and English."""
    from kiosk.cli import main

    data = tmp_path / "d"
    store = LocalStore(data / "kiosk.sqlite3")
    sell(store, 1, 5)
    anchor_head(store)
    store.close()
    args = ["--data-dir", str(data), "journal", "verify"]
    assert main(args) == 0
    assert "anchor kept by this kiosk at row 5 OK" in capsys.readouterr().out
    cut_tail(store, 5)
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "journal OK: 4 rows" in captured.out
    assert (
        "第5行" in captured.err
        and "journal row 5 (anchor kept by this kiosk) is missing" in captured.err
    )
