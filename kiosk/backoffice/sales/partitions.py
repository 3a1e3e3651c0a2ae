"""Sales tables partitioned by month on PostgreSQL, and their 7-year retention (電帳法).

``bo_sales``, ``bo_sale_lines`` and ``bo_sale_payments`` are ``PARTITION BY RANGE
(business_date)``, one partition a month (``bo_sales_y2026m12``) and a ``_default`` one that
catches a sale whose month has no partition yet, so an ingest never fails for want of one.
:func:`ensure_months` creates the coming months (moving any rows the default partition
already holds for them); ``kiosk-backoffice partitions ensure`` runs it (monthly, from cron).

PostgreSQL only allows a unique index on a partitioned table when it includes the partition
key, so the global uniqueness of ``sale_id`` and of ``(kiosk_id, kiosk_seq)`` — what makes a
resent sale a duplicate rather than a second sale — lives in the small unpartitioned
``bo_sale_keys``, filled by a statement-level trigger on ``bo_sales`` (one INSERT … SELECT
per ingest statement or COPY, from the transition table).

Retention: the books must be kept 7 years from the day after the corporate-tax filing
deadline (法人税法施行規則 59 条, 電子帳簿保存法). The deadline is at most 2 months (+1 with an
extension) after the fiscal year's end, which is at most 11 months after a sale's month; so a
month is only ever dropped 14 months + ``keep_years`` after its end, whatever the fiscal
year. :func:`retire_months` refuses any younger month, and writes, fsyncs and reads back an
archive (gzip CSV per table plus a manifest with row counts and SHA-256) before it detaches
and drops anything. SQLite back offices (one small store) are not partitioned.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from kiosk.cli_errors import CommandError

TABLES: tuple[str, ...] = ("bo_sales", "bo_sale_lines", "bo_sale_payments")
KEYS_TABLE = "bo_sale_keys"
RETENTION_YEARS = 7  # 電帳法 / 法人税法: 7 years (10 for years with carried-forward losses)
FILING_GRACE_MONTHS = 14  # month end → latest possible filing deadline (11 + 2 + 1 extension)


class RetentionRefused(CommandError):
    """A month asked to be dropped is still inside the legal retention period."""


class ArchiveMismatch(CommandError):
    """The archive written for a month does not read back as the rows in the database."""


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def kept_until(month: date, keep_years: int = RETENTION_YEARS) -> date:
    """The first day ``month``'s sales may be dropped (see the module docstring)."""
    grace = add_months(month_start(month), 1 + FILING_GRACE_MONTHS)
    return grace.replace(year=grace.year + keep_years)


def is_partitioned(conn: Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    kind = conn.scalar(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:t)"), {"t": TABLES[0]}
    )
    return kind == "p"


def months(conn: Connection) -> list[date]:
    """The months that have their own partition, oldest first."""
    names = conn.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": TABLES[0]},
    )
    found = []
    prefix = f"{TABLES[0]}_y"
    for name in names:
        if name.startswith(prefix) and len(name) == len(prefix) + 7:
            found.append(date(int(name[-7:-3]), int(name[-2:]), 1))
    return sorted(found)


def create_month(conn: Connection, month: date) -> bool:
    """Give ``month`` its own partition in every sales table; False when it already has one.

    Rows of that month the default partition caught move into it in the same transaction
    (PostgreSQL refuses the new partition while the default holds rows that belong to it).
    """
    month = month_start(month)
    if month in months(conn):
        return False
    lo, hi = month.isoformat(), add_months(month, 1).isoformat()
    for table in TABLES:
        part, default = partition_name(table, month), f"{table}_default"
        conn.execute(text(f'CREATE TABLE "{part}" (LIKE "{table}" INCLUDING DEFAULTS)'))
        conn.execute(
            text(
                f'WITH moved AS (DELETE FROM "{default}" WHERE business_date >= :lo '
                f'AND business_date < :hi RETURNING *) INSERT INTO "{part}" SELECT * FROM moved'
            ),
            {"lo": lo, "hi": hi},
        )
        conn.execute(
            text(
                f'ALTER TABLE "{table}" ATTACH PARTITION "{part}" '
                f"FOR VALUES FROM ('{lo}') TO ('{hi}')"
            )
        )
    return True


def ensure_months(conn: Connection, today: date, ahead: int = 3) -> list[date]:
    """Partitions from this month to ``ahead`` months on; the months created."""
    made = []
    for n in range(ahead + 1):
        month = add_months(month_start(today), n)
        if create_month(conn, month):
            made.append(month)
    return made


@dataclass(frozen=True)
class ArchivedTable:
    table: str
    file: str
    rows: int
    sha256: str


def archive_month(conn: Connection, month: date, folder: Path) -> Path:
    """Write ``month``'s rows of every sales table under ``folder/YYYY-MM``; its manifest.

    Each table is ``COPY (SELECT … ORDER BY id) TO STDOUT`` as CSV with a header, gzipped,
    fsynced; the manifest (row counts, SHA-256 of each file) is written last, so a folder
    without one is an archive that did not finish. Read back before returning.
    """
    month = month_start(month)
    target = folder / f"{month:%Y-%m}"
    target.mkdir(parents=True, exist_ok=True)
    entries = []
    for table in TABLES:
        part = partition_name(table, month)
        path = target / f"{table}.csv.gz"
        digest = hashlib.sha256()
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with open(path, "wb") as raw:
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                sql = f'COPY (SELECT * FROM "{part}" ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER true)'
                with cursor.copy(sql) as copy:
                    for chunk in copy:
                        gz.write(chunk)
            raw.flush()
            os.fsync(raw.fileno())
        digest.update(path.read_bytes())
        rows = conn.scalar(text(f'SELECT count(*) FROM "{part}"')) or 0
        entries.append(ArchivedTable(table, path.name, int(rows), digest.hexdigest()))
    manifest = {
        "month": f"{month:%Y-%m}",
        "format": "PostgreSQL COPY csv with header, gzip; rows ordered by id",
        "tables": [e.__dict__ for e in entries],
    }
    manifest_path = target / "manifest.json"
    tmp = manifest_path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(manifest_path)
    _fsync_dir(target)
    verify_archive(manifest_path)
    return manifest_path


def verify_archive(manifest_path: Path) -> dict:
    """Check every file of an archive against its manifest (digest and CSV record count)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["tables"]:
        path = manifest_path.parent / entry["file"]
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ArchiveMismatch(f"{path}: SHA-256 differs from {manifest_path}")
        with gzip.open(io.BytesIO(data), "rt", encoding="utf-8", newline="") as f:
            records = sum(1 for _ in csv.reader(f)) - 1  # the header
        if records != entry["rows"]:
            raise ArchiveMismatch(
                f"{path}: {records} rows read back, {entry['rows']} in {manifest_path}"
            )
    return manifest


def retire_months(
    conn: Connection,
    before: date,
    today: date,
    folder: Path,
    keep_years: int = RETENTION_YEARS,
) -> list[Path]:
    """Archive, then drop, every month partition older than ``before``; the manifests.

    Refuses (nothing dropped) when any of those months is still to be kept on ``today``, or
    when ``keep_years`` is below the legal 7.
    """
    if keep_years < RETENTION_YEARS:
        raise RetentionRefused(
            f"--keep-years {keep_years}: the books must be kept at least {RETENTION_YEARS} years"
        )
    doomed = [m for m in months(conn) if m < month_start(before)]
    young = [m for m in doomed if today < kept_until(m, keep_years)]
    if young:
        raise RetentionRefused(
            f"{young[0]:%Y-%m} must be kept until {kept_until(young[0], keep_years)} "
            f"({keep_years} years after the latest filing deadline); nothing was dropped"
        )
    manifests = []
    for month in doomed:
        manifest = archive_month(conn, month, folder)
        lo, hi = month.isoformat(), add_months(month, 1).isoformat()
        conn.execute(
            text(f'DELETE FROM "{KEYS_TABLE}" WHERE business_date >= :lo AND business_date < :hi'),
            {"lo": lo, "hi": hi},
        )
        for table in TABLES:
            part = partition_name(table, month)
            conn.execute(text(f'ALTER TABLE "{table}" DETACH PARTITION "{part}"'))
            conn.execute(text(f'DROP TABLE "{part}"'))
        manifests.append(manifest)
    return manifests


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
