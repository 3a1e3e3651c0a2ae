"""How report pages name payment methods and departments: their ids as ja/en labels.

The ids stay in the data (CSV, JSON API, the database); only the pages show labels. A
method a plugin adds, or a store's own department, that these tables do not know is shown
by its id.
"""

from __future__ import annotations

PAYMENT_METHODS = {
    "cash": "Cash 現金",
    "card": "Card クレジットカード",
    "emoney": "E-money 電子マネー",
    "qr": "QR code QRコード決済",
    "points": "Points ポイント",
}


def method_label(method_id: str) -> str:
    """``"Cash 現金"`` for ``"cash"``; an unknown (plugin) method's id as it is."""
    return PAYMENT_METHODS.get(method_id, method_id)


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
