"""The plugin's own Alembic branch in the back office database (``kiosk_backoffice_migrations``)."""
