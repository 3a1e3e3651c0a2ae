"""Report archive: closed days and months stored automatically, revised by late sales."""

from __future__ import annotations

import csv
import io
import logging
import threading
import time
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiosk.backoffice import cli
from kiosk.backoffice.app import create_app
from kiosk.backoffice.archive import service as report_archive
from kiosk.backoffice.archive.models import ArchivedReportRow
from kiosk.backoffice.archive.service import ArchiveScheduler, generate
from kiosk.backoffice.masterdata.models import SettingRow
from kiosk.backoffice.reports.service import day_report
from kiosk.backoffice.settlement import service as settlement
from tests.backoffice.databases import sign_in
from tests.backoffice.factories import DAY
from tests.backoffice.helpers import event, post

NOV20 = DAY.date()


def archived(db) -> dict[tuple[str, str], ArchivedReportRow]:
    with db.reading() as s:
        return {(r.kind, r.period): r for r in s.scalars(select(ArchivedReportRow))}


def sell(client, token, at: datetime, seq: int) -> None:
    assert post(client, token, [event(seq, at)]).status_code == 200


@pytest.fixture
def nov20(client, kiosk_token, bo_db):
    """Three sales on 2026-11-20 at 09:00, 12:00 and 23:30 (K01)."""
    for seq, hour in enumerate((9, 12, 23), 1):
        sell(client, kiosk_token, DAY.replace(hour=hour, minute=30 if hour == 23 else 0), seq)
    with bo_db.reading() as s:
        return day_report(s, NOV20)


def test_function_day_is_archived_only_after_its_end_plus_grace(nov20, bo_db):
    """GIVEN sales on the 20th WHEN the run is at 01:59 on the 21st THEN nothing;
    at 02:00 (midnight + 2 h grace) THEN the day's report with its figures, chart and CSV."""
    assert generate(bo_db, datetime(2026, 11, 21, 1, 59)).archived == []
    assert archived(bo_db) == {}
    run = generate(bo_db, datetime(2026, 11, 21, 2, 0))
    assert [(a.kind, a.period, a.sales, a.total) for a in run.archived] == [
        ("daily", "2026-11-20", 3, nov20.total)
    ]
    row = archived(bo_db)[("daily", "2026-11-20")]
    assert (row.sales, row.total, row.revisions) == (3, nov20.total, [])
    assert "<svg" in row.html and "Settlement 精算" in row.html and "not settled" in row.html
    rows = list(csv.reader(io.StringIO(row.csv)))
    assert rows[0] == ["section", "key", "count", "amount"] and rows[1] == [
        "total",
        "",
        "3",
        str(nov20.total),
    ]


def test_function_archiving_twice_keeps_one_row(nov20, bo_db):
    """GIVEN an archived day WHEN the run repeats, or a second process archives the period
    it had found due before the first stored it THEN still one row, unchanged."""
    now = datetime(2026, 11, 21, 6, 0)
    with bo_db.reading() as s:
        stale = report_archive.due(s, now)
    assert [p.period for p in stale] == ["2026-11-20"]
    assert len(generate(bo_db, now).archived) == 1
    assert generate(bo_db, now + timedelta(minutes=5)).archived == []
    with bo_db.transaction() as s:
        assert report_archive.archive(s, stale[0], now + timedelta(minutes=10)) is None
    with bo_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ArchivedReportRow)) == 1
    assert archived(bo_db)[("daily", "2026-11-20")].generated_at == now


def test_function_two_processes_at_once_store_a_period_once(nov20, bo_db):
    """GIVEN two workers running at the same moment WHEN both find the 20th due THEN exactly
    one stores it (the unique row is the claim) and neither fails."""
    now = datetime(2026, 11, 21, 6, 0)
    start, results, errors = threading.Barrier(2), [], []

    def worker() -> None:
        try:
            start.wait()
            results.append(generate(bo_db, now).archived)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and sorted(len(r) for r in results) == [0, 1]
    with bo_db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ArchivedReportRow)) == 1


def test_function_late_sale_revises_the_archive_keeping_old_figures(
    nov20, bo_db, client, kiosk_token, staff
):
    """GIVEN the 20th archived WHEN an offline kiosk delivers a sale of the 20th on the 22nd
    THEN the next run stores it again with 4 sales and shows 'revised: was 3 sales ¥X'."""
    generate(bo_db, datetime(2026, 11, 21, 2, 0))
    sell(client, kiosk_token, DAY.replace(hour=18), 4)
    run = generate(bo_db, datetime(2026, 11, 22, 9, 0))
    assert [(a.period, a.sales, a.was["sales"]) for a in run.archived] == [("2026-11-20", 4, 3)]
    row = archived(bo_db)[("daily", "2026-11-20")]
    assert row.sales == 4 and row.total > nov20.total
    assert row.revisions == [{"sales": 3, "total": nov20.total, "generated_at": "2026-11-21 02:00"}]
    assert f"was 3 sales ¥{nov20.total:,}" in row.html
    sign_in(client, staff["manager"])
    listing = client.get("/reports/archive").text
    assert f"was 3 sales ¥{nov20.total:,}" in listing
    assert generate(bo_db, datetime(2026, 11, 22, 9, 5)).archived == []


def test_function_settlement_after_archiving_revises_the_day(nov20, bo_db):
    """GIVEN the 20th archived "not settled" WHEN the manager records K01's count on the
    22nd THEN the next run stores the day again with the settlement (figures unchanged,
    the note says why), the month is left alone, and a redone count revises it once more."""
    generate(bo_db, datetime(2026, 11, 21, 2, 0))
    with bo_db.transaction() as s:
        cash = settlement.cash_sales(s, "K01", NOV20)
        settlement.settle(s, "K01", NOV20, {1: 30_000 + cash - 10}, 30_000,
                          datetime(2026, 11, 22, 8, 0), "manager")  # fmt: skip
    run = generate(bo_db, datetime(2026, 11, 22, 9, 0))
    assert [(a.kind, a.period, a.sales, a.was["reason"]) for a in run.archived] == [
        ("daily", "2026-11-20", 3, "settlement")
    ]
    row = archived(bo_db)[("daily", "2026-11-20")]
    assert (row.sales, row.total) == (3, nov20.total)
    assert "not settled" not in row.html and "settlement recorded after it" in row.html
    assert ["settlement_discrepancy", "K01", "", "-10"] in list(csv.reader(io.StringIO(row.csv)))
    assert row.revisions == [
        {"sales": 3, "total": nov20.total, "generated_at": "2026-11-21 02:00",
         "reason": "settlement"}
    ]  # fmt: skip
    assert generate(bo_db, datetime(2026, 11, 22, 9, 5)).archived == []
    with bo_db.transaction() as s:  # counted again: the ¥10 was found
        settlement.settle(s, "K01", NOV20, {1: 30_000 + cash}, 30_000,
                          datetime(2026, 11, 22, 10, 0), "manager")  # fmt: skip
    again = generate(bo_db, datetime(2026, 11, 22, 11, 0))
    assert [a.period for a in again.archived] == ["2026-11-20"]
    row = archived(bo_db)[("daily", "2026-11-20")]
    assert ["settlement_discrepancy", "K01", "", "0"] in list(csv.reader(io.StringIO(row.csv)))
    assert len(row.revisions) == 2


def test_function_late_sales_for_old_days_wait_for_a_full_recheck(
    nov20, bo_db, client, kiosk_token
):
    """GIVEN November and 5 January archived WHEN a sale of 20 November arrives on 10 January
    THEN a normal run (last 35 days) leaves it; a full recheck revises the day, then the month."""
    sell(client, kiosk_token, datetime(2027, 1, 5, 10, 0), 4)
    generate(bo_db, datetime(2027, 1, 6, 12, 0))
    assert set(archived(bo_db)) == {
        ("daily", "2026-11-20"),
        ("monthly", "2026-11"),
        ("daily", "2027-01-05"),
    }
    sell(client, kiosk_token, DAY.replace(hour=15), 5)
    assert generate(bo_db, datetime(2027, 1, 10, 12, 0)).archived == []
    run = generate(bo_db, datetime(2027, 1, 10, 12, 0), recheck=None)
    assert [(a.kind, a.period, a.sales, a.was["sales"]) for a in run.archived] == [
        ("daily", "2026-11-20", 4, 3),
        ("monthly", "2026-11", 4, 3),
    ]


def test_function_business_day_starting_at_four_is_respected(client, kiosk_token, bo_db):
    """GIVEN the day starts at 04:00 and a sale at 01:30 on the 21st (the 20th's takings)
    WHEN the run is at 05:59 on the 21st THEN nothing; at 06:00 THEN the 20th with both sales."""
    with bo_db.transaction() as s:
        s.add(SettingRow(key="business_day_starts", value={"value": "04:00"}))
    sell(client, kiosk_token, DAY, 1)
    sell(client, kiosk_token, datetime(2026, 11, 21, 1, 30), 2)
    assert generate(bo_db, datetime(2026, 11, 21, 5, 59)).archived == []
    run = generate(bo_db, datetime(2026, 11, 21, 6, 0))
    assert [(a.period, a.sales) for a in run.archived] == [("2026-11-20", 2)]


def test_function_month_is_archived_after_its_last_day_closes(client, kiosk_token, bo_db):
    """GIVEN sales on the 20th and 30th of November WHEN the run is at 01:59 on 1 December
    THEN only the 20th; at 02:00 THEN the 30th, then the month with both."""
    sell(client, kiosk_token, DAY, 1)
    sell(client, kiosk_token, datetime(2026, 11, 30, 22, 0), 2)
    first = generate(bo_db, datetime(2026, 12, 1, 1, 59))
    assert [(a.kind, a.period) for a in first.archived] == [("daily", "2026-11-20")]
    second = generate(bo_db, datetime(2026, 12, 1, 2, 0))
    assert [(a.kind, a.period) for a in second.archived] == [
        ("daily", "2026-11-30"),
        ("monthly", "2026-11"),
    ]
    month = archived(bo_db)[("monthly", "2026-11")]
    days = archived(bo_db)
    assert (
        month.sales == 2
        and month.total == days[("daily", "2026-11-20")].total + days[("daily", "2026-11-30")].total
    )
    assert "<svg" in month.html and len(month.csv.splitlines()) == 31


def test_function_backfill_is_oldest_first_and_bounded(client, kiosk_token, bo_db):
    """GIVEN five closed days with sales WHEN a run may archive two THEN the two oldest, and
    the rest are left for the next runs."""
    for n in range(5):
        sell(client, kiosk_token, DAY + timedelta(days=n), n + 1)
    now = datetime(2026, 12, 1, 12, 0)
    run = generate(bo_db, now, limit=2)
    assert [a.period for a in run.archived] == ["2026-11-20", "2026-11-21"] and run.remaining == 4
    run = generate(bo_db, now, limit=2)
    assert [a.period for a in run.archived] == ["2026-11-22", "2026-11-23"] and run.remaining == 2


def test_function_cli_generates_with_progress(client, kiosk_token, bo_db, capsys):
    """GIVEN sales on three days WHEN `reports generate --until 2026-11-21` THEN two days are
    archived oldest first, one progress line each; a second run archives nothing."""
    for n in range(3):
        sell(client, kiosk_token, DAY + timedelta(days=n), n + 1)
    args = ["--database-url", bo_db.url, "reports", "generate", "--until", "2026-11-21"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[1/2] daily 2026-11-20: 1 sales ¥") and out[1].startswith(
        "[2/2] daily 2026-11-21:"
    )
    assert out[-1] == "archived 2 report(s)"
    assert cli.main([*args, "--recheck-all"]) == 0
    assert capsys.readouterr().out.splitlines() == ["archived 0 report(s)"]
    with pytest.raises(SystemExit):
        cli.main(["--database-url", bo_db.url, "reports", "generate", "--until", "21/11/2026"])
    assert "use YYYY-MM-DD" in capsys.readouterr().err


def test_function_archive_page_lists_and_serves_by_role(nov20, bo_db, client, staff, clock):
    """GIVEN an archived day WHEN a manager opens the archive THEN it is listed with links
    that serve the stored HTML and the CSV with a BOM; an attendant is refused."""
    generate(bo_db, datetime(2026, 11, 21, 2, 0))
    stored = archived(bo_db)[("daily", "2026-11-20")]
    assert client.get("/reports/archive", follow_redirects=False).status_code == 303
    sign_in(client, staff["attendant"])
    assert client.get("/reports/archive").status_code == 403
    assert client.get("/reports/archive/daily/2026-11-20.csv").status_code == 403
    client.cookies.clear()
    sign_in(client, staff["manager"])
    listing = client.get("/reports/archive")
    assert listing.status_code == 200 and "2026-11-20" in listing.text
    assert 'href="/reports/archive/daily/2026-11-20.html"' in listing.text
    html = client.get("/reports/archive/daily/2026-11-20.html")
    assert html.status_code == 200 and html.text == stored.html
    got = client.get("/reports/archive/daily/2026-11-20.csv")
    assert got.headers["content-type"].startswith("text/csv") and got.content.startswith(
        "\ufeff".encode()
    )
    assert got.content.decode("utf-8") == "\ufeff" + stored.csv
    assert client.get("/reports/archive/daily/2026-11-19.html").status_code == 404
    assert "2026-11-20" not in client.get("/reports/archive", params={"kind": "monthly"}).text


def test_function_scheduler_runs_logs_and_survives_errors(nov20, bo_db, clock, caplog, monkeypatch):
    """GIVEN a scheduler WHEN a run fails THEN it logs and returns; WHEN started THEN it
    archives the closed day on its thread and stops cleanly."""
    clock.now = datetime(2026, 11, 21, 3, 0)
    scheduler = ArchiveScheduler(bo_db, clock, every=0.05)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    with caplog.at_level(logging.INFO, logger="kiosk.backoffice.archive.service"):
        monkeypatch.setattr(report_archive, "generate", broken)
        assert scheduler.run_once() is None
        assert "run failed" in caplog.text
        monkeypatch.undo()
        scheduler.start()
        deadline = time.monotonic() + 10
        while not archived(bo_db) and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.stop()
    assert scheduler._thread is None and ("daily", "2026-11-20") in archived(bo_db)
    assert "report archive: daily 2026-11-20: 3 sales" in caplog.text


def test_function_server_lifespan_starts_and_stops_the_scheduler(nov20, bo_db, clock):
    """GIVEN the app made for the server (archive_reports=True) WHEN it starts THEN closed
    days are archived without anyone opening a page; the test app (default) starts nothing."""
    clock.now = datetime(2026, 11, 21, 3, 0)
    with TestClient(create_app(bo_db, clock=clock)):
        time.sleep(0.2)
    assert archived(bo_db) == {}
    with TestClient(create_app(bo_db, clock=clock, archive_reports=True)):
        deadline = time.monotonic() + 10
        while not archived(bo_db) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert ("daily", "2026-11-20") in archived(bo_db)


def test_function_last_closed_day_honours_start_and_grace():
    """GIVEN days starting at 04:00 and 2 h grace THEN the 20th closes at 06:00 on the 21st."""
    start = datetime(2026, 11, 21, 4, 0).time()
    assert report_archive.last_closed_day(datetime(2026, 11, 21, 5, 59), start) == date(
        2026, 11, 19
    )
    assert report_archive.last_closed_day(datetime(2026, 11, 21, 6, 0), start) == date(2026, 11, 20)
