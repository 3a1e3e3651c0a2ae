from tests.backoffice.databases import app, bo_db, client, clock, kiosk_token, postgres_url, staff

__all__ = ["app", "bo_db", "client", "clock", "kiosk_token", "postgres_url", "staff"]
