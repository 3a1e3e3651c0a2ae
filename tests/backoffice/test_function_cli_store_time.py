"""`kiosk-backoffice` commands write the store's time, as the server does.

GIVEN a store time zone far from the machine's (servers and containers often run in UTC)
WHEN an operator adds staff, enrols and revokes a kiosk and imports the catalogue from the CLI
THEN the audit rows and the kiosk's times are the store's wall clock (the server's ``--time-zone``
clock): before, they were the machine's local time, 9 hours before the server's own rows on a
UTC machine in Tokyo, so the audit log read out of order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk.backoffice.audit.models import AuditRow
from kiosk.backoffice.cli import _db, _parser, main
from kiosk.backoffice.kiosks.models import KioskRow


def _far_zone() -> str:
    """A zone at least 10 hours from the machine's local time now."""
    local = datetime.now().astimezone().utcoffset() or timedelta(0)
    return "Pacific/Kiritimati" if local <= timedelta(hours=2) else "Etc/GMT+12"


def test_function_cli_rows_carry_the_store_time(tmp_path, backoffice_url, monkeypatch, capsys):
    zone = _far_zone()
    url = backoffice_url
    catalogue = tmp_path / "products.csv"
    catalogue.write_text(
        "sku,gtin,plu,name_ja,name_en,name_zh_hans,name_ko,price,tax,price_includes_tax,"
        "department,age_restricted,weighed\n"
        "SKU1,4901234000018,,おにぎり,Rice ball,饭团,주먹밥,150,reduced,1,food,0,0\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BACKOFFICE_PASSWORD", "correct horse battery")
    store = ["--database-url", url, "--time-zone", zone]
    for command in (
        ["add-staff", "admin", "--role", "admin"],
        ["enrol-kiosk", "K01"],
        ["revoke-kiosk", "K01"],
        ["import-catalogue", str(catalogue), "--publish"],
    ):
        assert main([*store, *command]) == 0
    capsys.readouterr()
    expected = datetime.now(ZoneInfo(zone)).replace(tzinfo=None)
    database = _db(_parser().parse_args(["--database-url", url, "migrate"]))
    with database.reading() as session:
        times = list(session.scalars(select(AuditRow.at)))
        kiosk = session.get(KioskRow, "K01")
        times += [kiosk.enrolled_at, kiosk.revoked_at]
    assert len(times) >= 6
    for at in times:
        assert abs(at - expected) < timedelta(minutes=5), (at, expected, zone)


def test_function_a_misspelt_store_time_zone_stops_every_command(tmp_path, capsys, monkeypatch):
    """GIVEN STORE_TIME_ZONE misspelt in backoffice.env WHEN `migrate` runs (the unit's
    ExecStartPre, which reads no clock) THEN it stops with the one line `serve` would give,
    before touching the database: it passed and the server then failed to start."""
    monkeypatch.setenv("STORE_TIME_ZONE", "Asia/Tokio")
    url = f"sqlite:///{tmp_path / 'bo.sqlite3'}"
    assert main(["--database-url", url, "migrate"]) == 1
    error = capsys.readouterr().err
    assert error == (
        "kiosk-backoffice: --time-zone 'Asia/Tokio': not an IANA time zone such as Asia/Tokyo\n"
    )
    assert not (tmp_path / "bo.sqlite3").exists()
