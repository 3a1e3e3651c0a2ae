"""A demo store with a ¥100 coupon (printed barcode) and a promotion (2 onigiri for ¥250),
``kiosk/data/demo_offers.toml``, for the UI tests that check what a shopper sees of
discounts, tax and their messages. The screenshots use the same offers."""

from __future__ import annotations

from pathlib import Path

from kiosk.ui.screenshots import COUPON, offers_config

__all__ = ["COUPON", "ONIGIRI", "TOILET_PAPER", "shop_config"]

ONIGIRI = "4901234000018"  # おにぎり 鮭 ¥150, 8 %
TOILET_PAPER = "4901234000377"  # トイレットペーパー ¥498, 10 %


def shop_config(directory: Path) -> Path:
    return offers_config(directory)
