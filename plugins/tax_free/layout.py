"""Where the tax-free plugin plugs into the kiosk's screens and the back office.

Only through hooks (``kiosk/hookspecs.py``, "Plugin layout"): the core imports nothing of
``plugins.tax_free``. The UI and back-office modules are imported when a hook is called,
so a kiosk never loads FastAPI and the back office never loads Kivy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.hookspecs import hookimpl

MIGRATIONS = Path(__file__).with_name("migrations")
STORE_MIGRATIONS = MIGRATIONS / "store"  # the kiosk store's branch "taxfree"
BACKOFFICE_MIGRATIONS = MIGRATIONS / "backoffice"  # the back office's branch "tax_free"


class TaxFreeLayout:
    """The layout hooks; :class:`plugins.tax_free.plugin.Plugin` inherits them."""

    @hookimpl
    def kiosk_ui_screens(self, ctl: Any) -> list[Any]:
        from plugins.tax_free.ui.screen import screens

        return screens(ctl)

    @hookimpl
    def kiosk_cli_commands(self) -> list[Any]:
        from plugins.tax_free.cli import commands

        return commands()

    @hookimpl
    def kiosk_store_migrations(self) -> list[Path]:
        return [STORE_MIGRATIONS]

    @hookimpl
    def kiosk_backoffice_migrations(self) -> list[Path]:
        return [BACKOFFICE_MIGRATIONS]

    @hookimpl
    def kiosk_backoffice_routers(self) -> list[Any]:
        from plugins.tax_free.backoffice.web import router

        return [router]

    @hookimpl
    def kiosk_backoffice_pages(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import NavEntry

        return [NavEntry("/tax-free", "Tax-free 免税")]

    @hookimpl
    def kiosk_backoffice_templates(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import TemplateFolder

        return [TemplateFolder("tax_free", Path(__file__).parent / "backoffice" / "templates")]

    @hookimpl
    def kiosk_backoffice_event_handlers(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import EventHandler
        from plugins.tax_free.backoffice.ledger import KIND, ingest_record
        from plugins.tax_free.backoffice.schemas import TaxFreeSummary

        return [EventHandler(KIND, ingest_record, schema=TaxFreeSummary)]
