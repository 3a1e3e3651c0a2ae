"""CSV cells a spreadsheet cannot run: every CSV the kiosk or the back office writes uses these.

A cell that starts with ``= + - @``, a tab or a carriage return is taken by Excel, LibreOffice
and Google Sheets as a formula (DDE, HYPERLINK…): text from a shopper, a member card or a kiosk
could run there. Such text cells get a leading ``'``; numbers (a refund of -100 yen) stay
numbers, so columns still add up. Pure Python.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would take as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class NeutralisingDictWriter(csv.DictWriter):
    """:class:`csv.DictWriter` whose every cell (the header too) is neutralised."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: neutralise_cell(v) for k, v in rowdict.items()})
