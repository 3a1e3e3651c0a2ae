"""Canned passports, buyers, sales and stores for the tax-free tests."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Any

from kiosk.runtime.unit_of_work import Reading, UnitOfWork
from kiosk.store import LocalStore
from plugins.tax_free.buyer import Buyer, DocumentKind, ResidenceStatus
from plugins.tax_free.crypto import PersonalDataCipher
from plugins.tax_free.layout import STORE_MIGRATIONS
from plugins.tax_free.mrz_parser import generate_td3
from plugins.tax_free.record import StoreInfo
from plugins.tax_free.store import TaxFreeStore

# ICAO Doc 9303 Part 4, the specimen passport of Utopia (Anna Maria Eriksson), verbatim.
SPECIMEN_LINE1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
SPECIMEN_LINE2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def specimen_mrz(expiry: str = "120415") -> tuple[str, str]:
    """The Utopia specimen; with another ``expiry`` (YYMMDD) the check digits are recomputed."""
    return generate_td3(
        issuing_state="UTO",
        surname="ERIKSSON",
        given_names="ANNA MARIA",
        document_number="L898902C3",
        nationality="UTO",
        birth_date="740812",
        sex="F",
        expiry_date=expiry,
        personal_number="ZE184226B",
    )


def with_char(line: str, index: int, char: str) -> str:
    return line[:index] + char + line[index + 1 :]


SALE_DAY = datetime(2026, 11, 2, 14, 30)


def visitor(**changes: Any) -> Buyer:
    data: dict[str, Any] = dict(
        passport_number="TR1234567",
        nationality="USA",
        surname="SMITH",
        given_names="JANE",
        birth_date=date(1990, 5, 17),
        expiry_date=date(2031, 4, 15),
        issuing_country="USA",
        sex="F",
        identified_by=DocumentKind.VISIT_JAPAN_WEB,
        landing_date=date(2026, 10, 28),
        residence_status=ResidenceStatus.TEMPORARY_VISITOR,
    )
    data.update(changes)
    return Buyer(**data)


STORE_INFO = StoreInfo(
    store_code="TF-0001",
    operator_name="さくらマート",
    registration_number="T5835678256246",
    address="東京都渋谷区神南1-2-3",
    kiosk_id="K01",
)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = SALE_DAY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tax_free_store(tmp_path, clock: Clock) -> TaxFreeStore:
    """A TaxFreeStore on a migrated local store (exercises the Alembic branch too)."""
    local = LocalStore(tmp_path / "kiosk.sqlite3", [STORE_MIGRATIONS])
    return store_on(local, PersonalDataCipher(os.urandom(32)), clock)


def store_on(
    local: LocalStore, cipher: PersonalDataCipher, clock: Clock, kiosk_id: str = "K01"
) -> TaxFreeStore:
    """A TaxFreeStore writing through units of work on ``local`` (as ``runtime.unit_of_work``
    does on a kiosk)."""
    return TaxFreeStore(
        lambda: UnitOfWork(local, kiosk_id, clock),
        lambda: Reading(local),
        local.engine,
        cipher,
        clock,
    )


def line(
    line_id: int,
    unit_price: int,
    quantity: int = 1,
    tax: str = "standard",
    inclusive: bool = True,
    department: str = "general",
) -> dict[str, Any]:
    return {
        "line_id": line_id,
        "sku": f"T{line_id:04d}",
        "name_ja": f"商品{line_id}",
        "name_en": f"Item {line_id}",
        "department": department,
        "tax": tax,
        "price_includes_tax": inclusive,
        "quantity": quantity,
        "weight_g": None,
        "unit_price": unit_price,
        "amount": unit_price * quantity,
        "voided": False,
    }


def sale_document(
    lines: list[dict[str, Any]],
    adjustments: list[dict[str, Any]] | None = None,
    sale_id: str = "sale-1",
    at: datetime = SALE_DAY,
) -> dict[str, Any]:
    return {
        "sale_id": sale_id,
        "receipt_no": 1,
        "completed_at": at.isoformat(),
        "lines": lines,
        "adjustments": adjustments or [],
        "tenders": [{"payment_id": "p1", "method": "cash", "amount": 0}],
    }
