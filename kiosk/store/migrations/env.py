"""Alembic environment for the kiosk's local store (SQLite: batch mode for ALTERs)."""

from alembic import context

from kiosk.store.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
