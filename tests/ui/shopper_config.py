"""A demo store with a ¥100 coupon (printed barcode) and a promotion, for the UI tests that
check what a shopper sees of discounts and tax."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import DEFAULT_CONFIG

COUPON = "9990000100"  # printed coupon barcode → C100
ONIGIRI = "4901234000018"  # おにぎり 鮭 ¥150, 8 %
TOILET_PAPER = "4901234000377"  # トイレットペーパー ¥498, 10 %

EXTRA = """
[plugins.coupons.definitions.C100]
label_ja = "100円引きクーポン"
label_en = "100 yen off"
amount_off = 100

[plugins.coupons.barcodes]
"9990000100" = "C100"

[plugins.promotions.rules.onigiri2]
type = "mix_match"
skus = ["SKU0001"]
quantity = 2
price = 250
label_ja = "おにぎり2個で250円"
label_en = "2 rice balls for 250 yen"
"""


def shop_config(directory: Path) -> Path:
    path = directory / "kiosk.toml"
    path.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return path
