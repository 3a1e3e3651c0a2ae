"""No card number ever reaches the kiosk's files or logs.

GIVEN sales paid by card (the terminal holds a real test PAN), e-money, QR (a wallet code that
passes the Luhn check) and cash, with voids and refunds, and every log record captured
WHEN the database files (main, WAL), the cash records and the log text are scanned for runs of
13–19 digits passing the Luhn check
THEN none is found. The only exclusion is the catalogue's own GTINs (master data: product
codes the store loads, which can pass Luhn by chance); digit runs inside hex words (hashes)
are not card numbers by construction (see ``kiosk.payments.carddata``).
"""

from __future__ import annotations

import logging
import re
import sqlite3

from sqlalchemy import select

from kiosk.domain.scan import Scan
from kiosk.payments import carddata
from kiosk.store.models import ProductRow
from plugins.pay_card.simulator import TEST_CARD

ONIGIRI, RICE = "4901234000018", "4901234000193"
WALLET_CODE = "281234567890123452"
MASKED_CARD = re.compile(r"\d{6}\*+\d{4}")  # as carddata.scrub and the terminals mask


def _sell_with_every_method(runtime) -> None:
    runtime.handle_scan(Scan(RICE))
    runtime.method("emoney").reader.present(balance=500)
    runtime.pay("emoney")
    runtime.pay("card", 1000)
    runtime.method("qr")
    runtime.handle_scan(Scan(WALLET_CODE, source="scanner"))
    runtime.pay("qr", 300)
    sale = runtime.pay("cash")
    card_row = next(r for r in runtime.ledger.for_sale(sale.sale_id) if r.method == "card")
    runtime.ledger.refund(card_row.payment_id, 200, runtime.method("card"))
    runtime.finish()
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.pay("card", 100)
    runtime.cancel_payment()  # a void
    runtime.cancel()


def test_card_numbers_are_found_when_present():
    assert carddata.find_card_numbers(f"pan={TEST_CARD};") == [TEST_CARD]
    assert carddata.find_card_numbers("4111 1111 1111 1111") == [TEST_CARD]
    assert carddata.find_card_numbers("411111******1111") == []
    assert carddata.scrub(f"card {TEST_CARD}") == "card 411111******1111"


def _cells(db_path) -> str:
    """Every value of every table, one per line (a logical scan of the database)."""
    connection = sqlite3.connect(db_path)
    try:
        tables = [
            r[0] for r in connection.execute("select name from sqlite_master where type='table'")
        ]
        lines = []
        for table in tables:
            for row in connection.execute(f'select * from "{table}"'):
                lines.extend(str(value) for value in row)
        return "\n".join(lines)
    finally:
        connection.close()


def test_no_card_number_in_the_database_files_or_the_logs(runtime, caplog):
    caplog.set_level(logging.DEBUG)
    _sell_with_every_method(runtime)
    with runtime.store.transaction() as session:
        gtins = frozenset(g for g in session.scalars(select(ProductRow.gtin)) if g)
    data_dir = runtime.config.data_dir
    logical = carddata.find_card_numbers(_cells(data_dir / "kiosk.sqlite3"), allowed=gtins)
    assert not logical, f"card-like values in the database: {logical}"
    raw = {}
    for path in sorted(data_dir.glob("*")):
        # in raw pages the values of a record's columns run together: a column of digits
        # right before a masked card number ("411111******1111", which may be kept) makes
        # one longer run of digits with its first six, a Luhn pass one time in ten
        text = MASKED_CARD.sub("|", path.read_bytes().decode("latin-1"))
        hits = carddata.find_card_numbers(text)
        # in raw pages a product's SKU and GTIN columns sit side by side: runs that contain a
        # catalogue GTIN are master data, not card numbers
        hits = [h for h in hits if not any(g in h for g in gtins)]
        if hits:
            raw[path.name] = hits
    assert not raw, f"card-like numbers in files: {raw}"
    log_hits = carddata.find_card_numbers(caplog.text, allowed=gtins)
    assert not log_hits, f"card-like numbers in logs: {log_hits}"
    assert TEST_CARD not in caplog.text and WALLET_CODE not in caplog.text
