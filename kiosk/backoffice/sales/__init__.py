"""Sales ingest from the kiosks' outbox: the sync API, the event schemas, the sale tables and the live Today page."""
