"""Markdown labels (見切りシール): an in-store code with its own prefix and the reduced price.

A normal in-store price label already carries its price, so the till never learns it was
reduced. A markdown label uses a separate prefix (``markdown_prefix``, e.g. ``"26"``) with
the same 2 + 5 + 5 + 1 layout — flag, item code (PLU), reduced price, check digit — and is
sold as the item at its regular price plus a ``markdown`` adjustment, so reports and the
receipt show the reduction.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.codes import InvalidBarcode, normalize_gtin


@dataclass(frozen=True, slots=True)
class MarkdownLabel:
    code: str
    item_code: str
    reduced_price: int


def parse_markdown(code: str, prefix: str | None) -> MarkdownLabel | None:
    """The label ``code`` encodes, or ``None`` if it is not a markdown label."""
    if not prefix or not code.startswith(prefix) or len(code) != 13:
        return None
    try:
        gtin = normalize_gtin(code)
    except InvalidBarcode:
        return None
    return MarkdownLabel(gtin, gtin[2:7], int(gtin[7:12]))


@dataclass(slots=True)
class Markdown:
    """A markdown applied to one unit of a basket line."""

    line_id: int
    reduced_price: int
