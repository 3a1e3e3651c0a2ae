"""Where the hand-off plugin plugs into the back office (its kiosk side: ``plugin.py``).

Only through hooks (``kiosk/hookspecs.py``): the core imports nothing of ``plugins.handoff``.
The back-office modules are imported when a hook is called, so a kiosk never loads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.hookspecs import hookimpl

#: the back office's branch "handoff" (bo_handoffs, bo_handoff_kiosks)
BACKOFFICE_MIGRATIONS = Path(__file__).with_name("migrations") / "backoffice"


class HandoffBackoffice:
    """The back-office hooks; :class:`plugins.handoff.plugin.Plugin` inherits them."""

    @hookimpl
    def kiosk_backoffice_migrations(self) -> list[Path]:
        return [BACKOFFICE_MIGRATIONS]

    @hookimpl
    def kiosk_backoffice_routers(self) -> list[Any]:
        from plugins.handoff.backoffice.api import router

        return [router]

    @hookimpl
    def kiosk_backoffice_console(self) -> list[Any]:
        from plugins.handoff.backoffice.console import part

        return [part()]
