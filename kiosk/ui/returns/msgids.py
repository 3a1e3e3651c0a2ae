"""Every msgid of the return screens (the gettext domain ``kiosk.ui.returns``), found the
way the catalogue test and ``scripts`` find them: ``rt("…")`` and ``say("…")`` calls, and
the tables of reasons, printer outcomes and offline texts."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.ui.returns import model, screen

_HERE = Path(__file__).resolve().parent
_FILES = (
    _HERE / "model.py",
    _HERE / "screen.py",
    _HERE.parent / "screens" / "staff_overlay.py",
    _HERE.parent / "screens" / "attract.kv",
)
_CALL = re.compile(r'\b(?:rt|say)\(\s*"((?:[^"\\]|\\.)+)"')


def msgids() -> set[str]:
    found: set[str] = set()
    for path in _FILES:
        found.update(_CALL.findall(path.read_text(encoding="utf-8")))
    found.update(model.REASONS.values())
    found.update(model.ONLY_LOCAL.values())
    found.add(model.PENDING_TEXT)
    found.update(screen.PRINTED.values())
    found.update(screen.ENTRY_MODES.values())
    return found
