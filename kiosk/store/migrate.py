"""Bring a local store's schema to the newest Alembic revision."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


class UnknownMigration(RuntimeError):
    """The database carries a revision no loaded migration folder knows (a plugin that made
    tables there is not loaded now) and needs an upgrade."""


def alembic_config(engine: Engine, plugin_versions: Sequence[Path] = ()) -> Config:
    """``plugin_versions``: the version folders plugins add (``kiosk_store_migrations``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", str(engine.url))
    config.set_main_option("path_separator", "os")
    # once each: alembic refuses a folder named twice, and two plugins may share one
    folders = list(dict.fromkeys([MIGRATIONS / "versions", *map(Path, plugin_versions)]))
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    return config


def _unknown(script: ScriptDirectory, revisions: set[str]) -> set[str]:
    unknown = set()
    for revision in revisions:
        try:
            script.get_revision(revision)
        except Exception:  # alembic's ResolutionError / CommandError for a missing revision
            unknown.add(revision)
    return unknown


def upgrade(engine: Engine, plugin_versions: Sequence[Path] = ()) -> None:
    """Upgrade the store to ``heads`` with the plugins' folders added."""
    upgrade_to_heads(engine, alembic_config(engine, plugin_versions))


def upgrade_to_heads(
    engine: Engine, config: Config, version_table: str = "alembic_version"
) -> None:
    """Upgrade to ``heads`` (the store's and the back office's way).

    A database can carry revisions of a plugin that is not loaded now (a staff tool opening
    the kiosk's store, a plugin left out of the configuration): if every branch this code
    knows is already at its head, the database is used as it is — the other plugin's
    tables are left alone; if something would have to be upgraded, it is refused in one
    line rather than upgraded without knowing the whole history.
    """
    script = ScriptDirectory.from_config(config)
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": version_table})
        current = set(context.get_current_heads())
        unknown = _unknown(script, current)
        if unknown:
            if set(script.get_heads()) <= current:
                log.info("%s has tables of plugins not loaded now (%s)", version_table, unknown)
                return
            raise UnknownMigration(
                f"{engine.url.database}: it has migrations {', '.join(sorted(unknown))} that "
                "no loaded plugin provides, and needs an upgrade; load the plugin whose "
                "tables these are"
            )
        config.attributes["connection"] = connection
        try:
            command.upgrade(config, "heads")  # plugins may add their own branches
        except CommandError as exc:
            if "Can't locate revision" not in str(exc):
                raise
            raise UnknownMigration(
                f"{engine.url.database}: {exc}; load the plugin whose tables these are"
            ) from None
