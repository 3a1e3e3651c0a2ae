"""Alembic environment for the back office (SQLite: batch mode for ALTERs)."""

from alembic import context

import kiosk.backoffice.routers  # noqa: F401  (imports every feature, so all tables are on Base)
from kiosk.backoffice.core.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table="bo_alembic_version",
)
with context.begin_transaction():
    context.run_migrations()
