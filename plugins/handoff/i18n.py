"""The hand-off plugin's gettext domain: its messages are keys of plugins/handoff/locale."""

from __future__ import annotations

from typing import Any

from kiosk.messages import Message

DOMAIN = "plugins.handoff"


def handoff_message(key: str, **params: Any) -> Message:
    """A shopper message of this plugin, translated by the screen (kiosk.messages)."""
    return Message.of(key, DOMAIN, **params)
