"""Bring a local store's schema to the newest Alembic revision."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


class UnknownMigration(RuntimeError):
    """The store carries a revision no loaded migration folder knows: a plugin that created
    tables here (``kiosk_store_migrations``) is not loaded now."""


def alembic_config(engine: Engine, plugin_versions: Sequence[Path] = ()) -> Config:
    """``plugin_versions``: the version folders plugins add (``kiosk_store_migrations``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", str(engine.url))
    config.set_main_option("path_separator", "os")
    folders = [MIGRATIONS / "versions", *plugin_versions]
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    return config


def upgrade(engine: Engine, plugin_versions: Sequence[Path] = ()) -> None:
    config = alembic_config(engine, plugin_versions)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "heads")  # plugins may add their own branches
        except CommandError as exc:
            if "Can't locate revision" not in str(exc):
                raise
            raise UnknownMigration(
                f"{engine.url.database}: {exc}; load the plugin whose tables these are"
            ) from None
