"""One module + one .kv file per screen; :func:`load_kv` loads them all once."""

from __future__ import annotations

from pathlib import Path

KV_DIR = Path(__file__).parent
_loaded = False


def load_kv() -> None:
    """Load the shared widget rules and every screen's rules (idempotent)."""
    global _loaded
    if _loaded:
        return
    from kivy.lang import Builder

    Builder.load_file(str(KV_DIR.parent / "widgets.kv"))
    for kv in sorted(KV_DIR.glob("*.kv")):
        Builder.load_file(str(kv))
    _loaded = True
