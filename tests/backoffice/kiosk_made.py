"""Documents made by a real kiosk runtime (its plugins and payment simulators), for tests
that post them to the back office as a kiosk's relay would."""

from __future__ import annotations

import copy

from sqlalchemy import select

from kiosk.app import build_runtime
from kiosk.config import load_config
from kiosk.domain.product import TaxCategory
from kiosk.store.models import OutboxRow
from plugins.conftest import ONIGIRI, TOILET_PAPER, Clock, coupon_qr, scan
from tests.factories import product


def kiosk_runtime(data_dir, plugin_config, now=None):
    runtime = build_runtime(load_config(None, data_dir=data_dir, plugin_config=plugin_config))
    runtime.training = False  # the simulators stand for real money: points, coupons booked
    runtime.clock = Clock(now) if now else Clock()
    return runtime


def sent(runtime, sale) -> dict:
    """The sale's payload as its outbox row holds it (what the relay sends)."""
    with runtime.store.transaction() as session:
        row = session.scalars(
            select(OutboxRow).where(
                OutboxRow.kind == "sale", OutboxRow.aggregate_id == sale.sale_id
            )
        ).one()
        return copy.deepcopy(row.payload)


def tax_exclusive_coupon_sale(runtime, coupon_serial: str):
    """Tax-exclusive (外税) prices of both rates (the reduced one twice), mixed with inclusive
    ones, a basket coupon spread over them all, paid in cash with change: the committed sale
    (the caller finishes it)."""
    extra = [
        product(201, 999, inclusive=False),
        product(202, 333, TaxCategory.REDUCED, inclusive=False),
    ]
    runtime.store.upsert_products(extra)
    for item in extra:
        runtime.catalogue.add(item)
    scan(runtime, coupon_qr("C100", coupon_serial))
    for code in (extra[0].gtin, extra[1].gtin, extra[1].gtin, ONIGIRI, TOILET_PAPER):
        scan(runtime, code)
    runtime.begin_payment()
    runtime.method("cash").drawer.insert(runtime.amount_due + 3)
    return runtime.pay("cash")
