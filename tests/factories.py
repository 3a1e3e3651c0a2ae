"""Products and catalogues for tests: realistic, with valid check digits."""

from __future__ import annotations

from stdnum import ean

from kiosk.domain.catalogue import Catalogue
from kiosk.domain.product import Product, TaxCategory


def gtin(n: int, prefix: str = "4909999") -> str:
    body = f"{prefix}{n:05d}"
    return body + ean.calc_check_digit(body)


def product(
    n: int,
    price: int,
    tax: TaxCategory = TaxCategory.STANDARD,
    *,
    inclusive: bool = True,
    age: bool = False,
    weighed: bool = False,
    plu: str | None = None,
    department: str = "general",
) -> Product:
    return Product(
        sku=f"T{n:04d}",
        name_ja=f"商品{n}",
        name_en=f"Item {n}",
        price=price,
        tax=tax,
        gtin=None if plu else gtin(n),
        plu=plu,
        price_includes_tax=inclusive,
        age_restricted=age,
        weighed=weighed,
        department=department,
    )


ONIGIRI = product(1, 150, TaxCategory.REDUCED, department="food")
TEA = product(2, 138, TaxCategory.REDUCED, department="food")
BEER = product(3, 228, TaxCategory.STANDARD, age=True, department="alcohol")
SOAP = product(4, 198, TaxCategory.STANDARD, department="household")
BANANA = product(5, 398, TaxCategory.REDUCED, weighed=True, plu="101", department="produce")
CABBAGE = product(6, 198, TaxCategory.REDUCED, plu="107", department="produce")
DELI = product(7, 0, TaxCategory.REDUCED, plu="00201", department="deli")


def catalogue(*extra: Product) -> Catalogue:
    return Catalogue([ONIGIRI, TEA, BEER, SOAP, BANANA, CABBAGE, DELI, *extra])
