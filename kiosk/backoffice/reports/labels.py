"""How report pages name payment methods and departments: English, then the Japanese gloss.

The ids stay in the data (CSV, JSON API, the database); only the pages show labels. A
payment method is named by the names the sale documents kept for its tenders (any plugin's,
a vendor's too), a legacy document's built-in method by the frozen legacy table
(:func:`kiosk.domain.method_names.tender_name`), else by its id. A store's own department
that :data:`DEPARTMENTS` does not know is shown by its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.domain.method_names import tender_name


def method_label(method_id: str, tender: Mapping[str, Any] | None = None) -> str:
    """``"Cash 現金"`` for a cash tender (``tender``: one of the day's tenders of
    ``method_id``, with the ``names`` its document kept); one name when both are the same."""
    tender = tender if tender is not None else {"method": method_id}
    english, japanese = tender_name(tender, "en"), tender_name(tender, "ja")
    return english if english == japanese else f"{english} {japanese}"


#: the departments the kiosk's look-up screen knows (kiosk.ui.screens.lookup.DEPARTMENTS)
DEPARTMENTS = {
    "produce": "Fruit & vegetables 青果",
    "deli": "Deli 惣菜",
    "meat": "Meat 精肉",
    "food": "Food & drink 食品・飲料",
    "alcohol": "Alcohol 酒類",
    "tobacco": "Tobacco たばこ",
    "household": "Household 日用品",
    "news": "Newspapers 新聞・雑誌",
    "general": "Other その他",
}


def department_label(department: str) -> str:
    """``"Alcohol 酒類"`` for ``"alcohol"``; a store's own department as it is."""
    return DEPARTMENTS.get(department, department)
