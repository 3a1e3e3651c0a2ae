"""The kiosk's local store: SQLite (WAL, synchronous=FULL) through SQLAlchemy 2."""

from kiosk.store.local import LocalStore

__all__ = ["LocalStore"]
