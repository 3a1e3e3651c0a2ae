"""The hooks. The UI and back-office modules are imported only when their hook is called,
so a kiosk never imports FastAPI and the back office never imports Kivy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.hookspecs import hookimpl

MIGRATIONS = Path(__file__).with_name("migrations")


@hookimpl
def kiosk_ui_screens(ctl: Any) -> list[Any]:
    from kiosk_feedback_example.ui import screens

    return screens(ctl)


@hookimpl
def kiosk_backoffice_migrations() -> list[Path]:
    return [MIGRATIONS]


@hookimpl
def kiosk_backoffice_routers() -> list[Any]:
    from kiosk_feedback_example.backoffice import router

    return [router]


@hookimpl
def kiosk_backoffice_pages() -> list[Any]:
    from kiosk.backoffice.plugin_api import NavEntry

    return [NavEntry("/example-feedback", "Feedback 感想")]


@hookimpl
def kiosk_backoffice_templates() -> list[Any]:
    from kiosk.backoffice.plugin_api import TemplateFolder

    return [TemplateFolder("kiosk_feedback_example", Path(__file__).parent / "templates")]


@hookimpl
def kiosk_backoffice_event_handlers() -> list[Any]:
    from kiosk.backoffice.plugin_api import EventHandler
    from kiosk_feedback_example import KIND
    from kiosk_feedback_example.backoffice import ingest

    return [EventHandler(KIND, ingest)]
