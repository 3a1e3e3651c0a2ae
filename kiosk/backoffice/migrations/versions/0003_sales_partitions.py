"""PostgreSQL: the sales tables partitioned by business month (7-year retention, 電帳法)

Each of bo_sales, bo_sale_lines and bo_sale_payments becomes ``PARTITION BY RANGE
(business_date)`` with a partition per month (those the data has, up to 3 months ahead) and a
default one. The rows are copied over in the migration's transaction; columns (plugins'
too) and non-unique indexes are carried over as they are. A primary key on a partitioned
table must include the partition key, so it becomes a unique index on (id, business_date)
(an index, not a constraint: pg_restore --clean cannot drop a partition's inherited one); the global unique
sale_id and (kiosk_id, kiosk_seq) move to bo_sale_keys, kept by a statement trigger (see
kiosk/backoffice/sales_partitions.py). SQLite is left as it is.

Revision ID: 0003_sales_partitions
Revises: 0002
"""

from datetime import date

from alembic import op
from sqlalchemy import text

from kiosk.backoffice.sales.partitions import (
    KEYS_TABLE,
    TABLES,
    add_months,
    create_month,
    month_start,
)

revision = "0003_sales_partitions"
down_revision = "0002"
branch_labels = ("sales_partitions",)
depends_on = None

KEYS_TRIGGER_SQL = f"""
CREATE FUNCTION bo_sale_keys_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {KEYS_TABLE} (sale_id, kiosk_id, kiosk_seq, business_date)
    SELECT sale_id, kiosk_id, kiosk_seq, business_date FROM new_sales;
    RETURN NULL;
END $$;
CREATE FUNCTION bo_sale_keys_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {KEYS_TABLE} k USING old_sales o WHERE k.sale_id = o.sale_id;
    RETURN NULL;
END $$;
CREATE TRIGGER bo_sales_keys_add AFTER INSERT ON bo_sales
    REFERENCING NEW TABLE AS new_sales FOR EACH STATEMENT EXECUTE FUNCTION bo_sale_keys_add();
CREATE TRIGGER bo_sales_keys_remove AFTER DELETE ON bo_sales
    REFERENCING OLD TABLE AS old_sales FOR EACH STATEMENT EXECUTE FUNCTION bo_sale_keys_remove();
"""


def _plain_indexes(conn, table: str) -> list[str]:
    """CREATE INDEX statements of ``table``'s non-unique indexes (plugins' included)."""
    return list(
        conn.scalars(
            text(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = to_regclass(:t) AND NOT i.indisunique"
            ),
            {"t": table},
        )
    )


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    first = conn.scalar(text("SELECT min(business_date) FROM bo_sales"))
    first = month_start(min(first or date.today(), date.today()))
    last = add_months(month_start(date.today()), 3)
    for table in TABLES:
        indexes = _plain_indexes(conn, table)
        old = f"{table}_unpartitioned"
        conn.execute(text(f'ALTER TABLE "{table}" RENAME TO "{old}"'))
        conn.execute(text(f'ALTER SEQUENCE "{table}_id_seq" OWNED BY NONE'))
        conn.execute(
            text(
                f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS) '
                "PARTITION BY RANGE (business_date)"
            )
        )
        conn.execute(text(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT'))
        conn.execute(text(f'ALTER SEQUENCE "{table}_id_seq" OWNED BY "{table}".id'))
        conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM "{old}"'))
        conn.execute(text(f'DROP TABLE "{old}"'))
        # a unique index, not a PRIMARY KEY constraint: pg_restore --clean (the backups')
        # cannot drop a partition's inherited constraint, but handles partitioned indexes
        conn.execute(
            text(f'CREATE UNIQUE INDEX "{table}_id_date" ON "{table}" (id, business_date)')
        )
        for ddl in indexes:  # their names are free again now the old table is gone
            conn.execute(text(ddl))
    conn.execute(
        text(
            f"CREATE TABLE {KEYS_TABLE} ("
            " sale_id VARCHAR(36) PRIMARY KEY,"
            " kiosk_id VARCHAR(32) NOT NULL,"
            " kiosk_seq BIGINT NOT NULL,"
            " business_date DATE NOT NULL,"
            f" CONSTRAINT uq_{KEYS_TABLE}_kiosk_seq UNIQUE (kiosk_id, kiosk_seq))"
        )
    )
    conn.execute(text(f"CREATE INDEX ix_{KEYS_TABLE}_date ON {KEYS_TABLE} (business_date)"))
    conn.execute(
        text(
            f"INSERT INTO {KEYS_TABLE} SELECT sale_id, kiosk_id, kiosk_seq, business_date "
            "FROM bo_sales"
        )
    )
    conn.execute(text("CREATE INDEX ix_bo_sales_sale_id_date ON bo_sales (sale_id, business_date)"))
    conn.exec_driver_sql(KEYS_TRIGGER_SQL)
    month = first
    while month <= last:  # each month's rows move out of the default partition
        create_month(conn, month)
        month = add_months(month, 1)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "DROP TRIGGER bo_sales_keys_add ON bo_sales; DROP TRIGGER bo_sales_keys_remove ON bo_sales;"
        " DROP FUNCTION bo_sale_keys_add(); DROP FUNCTION bo_sale_keys_remove();"
    )
    conn.execute(text("DROP INDEX ix_bo_sales_sale_id_date"))
    for table in TABLES:
        conn.execute(text(f'DROP INDEX "{table}_id_date"'))
        indexes = [
            ddl.replace("ON ONLY public.", "ON public.", 1) for ddl in _plain_indexes(conn, table)
        ]
        old = f"{table}_partitioned"
        conn.execute(text(f'ALTER TABLE "{table}" RENAME TO "{old}"'))
        conn.execute(text(f'ALTER SEQUENCE "{table}_id_seq" OWNED BY NONE'))
        conn.execute(text(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS)'))
        conn.execute(text(f'ALTER TABLE "{table}" ADD PRIMARY KEY (id)'))
        conn.execute(text(f'ALTER SEQUENCE "{table}_id_seq" OWNED BY "{table}".id'))
        conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM "{old}"'))
        conn.execute(text(f'DROP TABLE "{old}" CASCADE'))
        for ddl in indexes:
            conn.execute(text(ddl))
    conn.execute(text("ALTER TABLE bo_sales ADD UNIQUE (sale_id)"))
    conn.execute(
        text(
            "ALTER TABLE bo_sales ADD CONSTRAINT uq_bo_sales_kiosk_seq UNIQUE (kiosk_id, kiosk_seq)"
        )
    )
    conn.execute(text(f"DROP TABLE {KEYS_TABLE}"))
