"""The back office (本部・店舗サーバー): sync ingest, master data, reports, inventory, exports.

A separate process (``kiosk-backoffice serve``): FastAPI on SQLAlchemy 2, SQLite by default
and PostgreSQL through ``DATABASE_URL``. Kiosks keep selling while it is down; their relay
(:mod:`kiosk.sync.relay`) delivers the outbox when it is back.
"""
