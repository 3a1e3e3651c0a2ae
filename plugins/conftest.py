"""Fixtures for the built-in plugins' own tests (``plugins/<name>/tests``): a kiosk with the
loyalty, coupon and promotion plugins configured, on a settable clock, and the suite's
kiosk configuration and runtimes (``tests/conftest.py``)."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text

from kiosk.domain.scan import Scan, Symbology
from plugins.coupons.codes import sign_hmac
from tests import conftest as suite

# the suite's fixtures (tests/conftest.py), for tests outside tests/
kiosk_config, make_runtime, runtime = suite.kiosk_config, suite.make_runtime, suite.runtime

HMAC_SECRET = b"coupon-secret-for-tests-32bytes!"
LOYALTY_KEY = base64.b64encode(b"L" * 32).decode()

ONIGIRI, TUNA, TEA, RICE = "4901234000018", "4901234000025", "4901234000148", "4901234000193"
TOILET_PAPER, DISH_SOAP, TISSUES = "4901234000377", "4901234000391", "4901234000384"
MONDAY_NOON = datetime(2026, 3, 2, 12, 0)  # a Monday


class Clock:
    def __init__(self, now: datetime = MONDAY_NOON) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings() -> dict:
    return {
        "loyalty": {
            "key": LOYALTY_KEY,
            "show_name": True,
            "yen_per_point": 100,
            "expiry_days": 365,
            "member_prices": {"SKU0002": 120},  # tuna mayo rice ball: 140 → 120 for members
        },
        "coupons": {
            "hmac_key": base64.b64encode(HMAC_SECRET).decode(),
            "definitions": {
                "C100": {
                    "scope": "basket",
                    "amount_off": 100,
                    "label_ja": "100円引",
                    "label_en": "100 yen off",
                },
                "MIN1000": {
                    "scope": "basket",
                    "amount_off": 200,
                    "min_spend": 1000,
                    "label_ja": "1000円以上200円引",
                    "label_en": "200 off 1000+",
                },
                "TEA30": {
                    "scope": "item",
                    "sku": "SKU0014",
                    "amount_off": 30,
                    "label_ja": "お茶30円引",
                    "label_en": "Tea 30 off",
                },
                "HH10": {
                    "scope": "department",
                    "department": "household",
                    "percent_off": 10,
                    "label_ja": "日用品10%引",
                    "label_en": "Household 10%",
                },
                "SOLO": {
                    "scope": "basket",
                    "percent_off": 5,
                    "combinable": False,
                    "stackable": False,
                    "label_ja": "5%引",
                    "label_en": "5% off",
                },
                "FLYER": {
                    "scope": "basket",
                    "amount_off": 50,
                    "per_member": 1,
                    "members_only": True,
                    "label_ja": "チラシ50円引",
                    "label_en": "Flyer 50 off",
                },
            },
            "barcodes": {"9990000000017": "FLYER"},
        },
        "promotions": {"markdown_prefix": "26", "rules": {}},
    }


def coupon_qr(cid: str, sn: str, **extra) -> str:
    return sign_hmac({"cid": cid, "sn": sn, **extra}, HMAC_SECRET)


def store_revisions(path) -> set[str]:
    """The Alembic revisions a kiosk store at ``path`` is stamped with."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(text("SELECT * FROM alembic_version"))}
    engine.dispose()
    return found


def scan(runtime, code: str):
    symbology = Symbology.QR if "." in code else Symbology.EAN13
    return runtime.handle_scan(Scan(code, symbology, source="test"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kiosk(make_runtime, clock, tmp_path):
    """``kiosk(promotions={...}, coupons={...}, kiosk_id=..., data=...)`` → a started runtime."""

    def make(name: str = "kiosk", kiosk_id: str = "K01", training: bool = False, **sections):
        config = settings()
        for section, values in sections.items():
            config[section].update(values)
        # real sales unless asked (the simulators stand for real money here): points,
        # coupons and records are booked only for real sales
        runtime = make_runtime(
            data_dir=tmp_path / name, plugin_config=config, kiosk_id=kiosk_id, training=training
        )
        runtime.clock = clock
        return runtime

    return make
