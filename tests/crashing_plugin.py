"""A plugin that fails every checkout (for ``kiosk doctor``'s dry-run test)."""

from __future__ import annotations

from kiosk.hookspecs import hookimpl


@hookimpl
def kiosk_adjust_basket(basket, context):
    raise ZeroDivisionError("promotion table is empty")
