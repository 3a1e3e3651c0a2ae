"""PostgreSQL sales partitions by month: ingest lands in them, uniqueness stays global,
retention refuses young months and archives before it drops (電帳法, 7 years)."""

from __future__ import annotations

import csv
import gzip
import json
import uuid
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from kiosk.backoffice.app import create_app
from kiosk.backoffice.cli import main as backoffice
from kiosk.backoffice.core.db import Database, alembic_config
from kiosk.backoffice.sales import partitions as sp
from kiosk.backoffice.sales.models import SaleLineRow, SalePaymentRow, SaleRow
from kiosk.backoffice.staff.auth import enrol_kiosk
from tests.backoffice.databases import _admin_url
from tests.backoffice.factories import FakeClock
from tests.backoffice.helpers import event, post

OLD = datetime(2017, 3, 15, 12)  # a month past retention on TODAY
NEW = datetime(2026, 11, 20, 12)
TODAY = date(2026, 12, 6)


@pytest.fixture
def pg_url(postgres_url) -> Iterator[str]:
    """A database of its own: these tests create and drop partitions."""
    admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"bo_parts_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _sync(db: Database, events: list[dict]) -> dict:
    clock = FakeClock()
    with db.transaction() as s:
        token = enrol_kiosk(s, "K01", clock())
    with TestClient(create_app(db, clock=clock)) as client:
        response = post(client, token, events)
    assert response.status_code == 200, response.text
    return response.json()


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as c:
        return c.scalar(text(f'SELECT count(*) FROM "{table}"'))


@pytest.mark.postgres
def test_function_sales_land_in_their_month_and_a_missing_month_in_default(pg_url):
    """GIVEN the migrated schema WHEN a current and a 2017 sale arrive THEN the current one is
    in its month's partition, the 2017 one in default until its month is created."""
    db = Database(pg_url)
    with db.engine.connect() as c:
        assert sp.is_partitioned(c)
    with db.engine.begin() as c:  # the migration made this month's onwards; 2026-11 may be past
        sp.create_month(c, date(2026, 11, 1))
    _sync(db, [event(1, NEW), event(2, OLD)])
    assert _count(db, "bo_sales_y2026m11") == 1 and _count(db, "bo_sales_default") == 1
    assert _count(db, "bo_sale_lines_default") >= 1
    with db.engine.begin() as c:
        assert sp.create_month(c, date(2017, 3, 1)) is True
    assert _count(db, "bo_sales_default") == 0 and _count(db, "bo_sales_y2017m03") == 1
    assert _count(db, "bo_sale_lines_default") == 0 and _count(db, "bo_sale_payments_y2017m03")
    with db.reading() as s:  # the ORM reads through the parent as before
        assert s.scalar(select(func.count()).select_from(SaleRow)) == 2
    db.close()


@pytest.mark.postgres
def test_function_a_sale_id_stays_unique_across_months(pg_url):
    """GIVEN a stored sale WHEN the same sale id is written with another date (another
    partition) THEN the database refuses it: uniqueness is global, not per month."""
    db = Database(pg_url)
    _sync(db, [event(1, NEW)])
    with db.engine.connect() as c:
        row = dict(c.execute(text("SELECT * FROM bo_sales")).mappings().one())
    row.pop("id")
    row["business_date"] = date(2017, 3, 15)
    row["kiosk_seq"] = 99
    row["document"] = json.dumps(row["document"])
    columns = ", ".join(row)
    values = ", ".join(f":{k}" for k in row)
    with pytest.raises(IntegrityError, match="bo_sale_keys"), db.engine.begin() as c:
        c.execute(text(f"INSERT INTO bo_sales ({columns}) VALUES ({values})"), row)
    assert _count(db, "bo_sales") == 1
    db.close()


@pytest.mark.postgres
def test_function_retention_refuses_a_young_month_and_drops_nothing(pg_url, tmp_path):
    db = Database(pg_url)
    _sync(db, [event(1, NEW)])
    with db.engine.begin() as c:
        sp.create_month(c, date(2026, 11, 1))
    before = date(2027, 1, 1)
    young = pytest.raises(sp.RetentionRefused, match="2026-11 must be kept until 2035-02-01")
    with young, db.engine.begin() as c:
        sp.retire_months(c, before, TODAY, tmp_path)
    with pytest.raises(sp.RetentionRefused, match="at least 7"), db.engine.begin() as c:
        sp.retire_months(c, before, date(2099, 1, 1), tmp_path, keep_years=5)
    assert _count(db, "bo_sales_y2026m11") == 1 and not list(tmp_path.iterdir())
    db.close()


@pytest.mark.postgres
def test_function_a_month_past_retention_is_archived_then_dropped(pg_url, tmp_path):
    """GIVEN a 2017-03 month and a current one WHEN retired before 2018-01 on 2026-12-06 (2017-03
    is kept until 2025-06-01) THEN its rows are in a verified archive and its partitions and
    keys are gone; the current month is untouched."""
    db = Database(pg_url)
    with db.engine.begin() as c:
        sp.create_month(c, date(2017, 3, 1))
        sp.create_month(c, date(2026, 11, 1))
    assert sp.kept_until(date(2017, 3, 1)) == date(2025, 6, 1)
    _sync(db, [event(1, OLD), event(2, OLD), event(3, NEW)])
    with db.reading() as s:
        old_ids = set(s.scalars(select(SaleRow.sale_id).where(SaleRow.business_date < NEW.date())))
        old_lines = s.scalar(select(func.count()).where(SaleLineRow.business_date < NEW.date()))
        old_payments = s.scalar(
            select(func.count()).where(SalePaymentRow.business_date < NEW.date())
        )
    with db.engine.begin() as c:
        (manifest_path,) = sp.retire_months(c, date(2018, 1, 1), TODAY, tmp_path)
    manifest = sp.verify_archive(manifest_path)
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert rows == {"bo_sales": 2, "bo_sale_lines": old_lines, "bo_sale_payments": old_payments}
    with gzip.open(manifest_path.parent / "bo_sales.csv.gz", "rt", newline="") as f:
        archived = list(csv.DictReader(f))
    assert {r["sale_id"] for r in archived} == old_ids
    assert json.loads(archived[0]["document"])["sale_id"] in old_ids
    with db.engine.connect() as c:
        assert date(2017, 3, 1) not in sp.months(c)
        assert c.scalar(text("SELECT to_regclass('bo_sales_y2017m03')")) is None
        assert c.scalar(text("SELECT count(*) FROM bo_sale_keys")) == 1
    assert _count(db, "bo_sales") == 1
    db.close()


@pytest.mark.postgres
def test_function_the_migration_keeps_existing_sales_both_ways(pg_url):
    """GIVEN sales stored unpartitioned (the branch downgraded) WHEN upgraded THEN every row is
    kept, partitioned; downgrading again gives the plain table back with the same rows."""
    db = Database(pg_url)
    _sync(db, [event(1, NEW), event(2, OLD)])
    config = alembic_config(db.engine)
    with db.engine.begin() as c:
        config.attributes["connection"] = c
        command.downgrade(config, "sales_partitions@-1")
    with db.engine.connect() as c:
        assert not sp.is_partitioned(c)
        assert c.scalar(text("SELECT count(*) FROM bo_sales")) == 2
    with db.engine.begin() as c:
        config.attributes["connection"] = c
        command.upgrade(config, "heads")
    with db.engine.connect() as c:
        assert sp.is_partitioned(c) and date(2017, 3, 1) in sp.months(c)
        assert c.scalar(text("SELECT count(*) FROM bo_sale_keys")) == 2
        assert c.scalar(text("SELECT count(*) FROM bo_sales_y2017m03")) == 1
    db.close()


@pytest.mark.postgres
def test_function_the_cli_refuses_young_months_in_one_line(pg_url, tmp_path, capsys):
    Database(pg_url).close()
    code = backoffice(
        ["--database-url", pg_url, "partitions", "retire", "--before", "2099-01",
         "--archive-dir", str(tmp_path)]
    )  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code != 0 and "must be kept until" in err and "\n" not in err
    assert backoffice(["--database-url", pg_url, "partitions", "ensure"]) == 0
    assert "partitions made" in capsys.readouterr().out


def test_function_sqlite_is_not_partitioned_and_the_cli_says_so(tmp_path, backoffice_url, capsys):
    url = backoffice_url
    code = backoffice(["--database-url", url, "partitions", "list"])
    assert code != 0 and "PostgreSQL only" in capsys.readouterr().err
