"""Products and the two Japanese consumption-tax rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.domain.money import Yen


class TaxCategory(StrEnum):
    """標準税率 10 % or 軽減税率 8 %.

    The reduced rate covers food and drink other than alcohol and eating in, and newspapers
    published at least twice a week on subscription; everything else is standard.
    """

    STANDARD = "standard"
    REDUCED = "reduced"

    @property
    def rate_percent(self) -> int:
        return 8 if self is TaxCategory.REDUCED else 10


@dataclass(frozen=True, slots=True)
class Product:
    """A sellable item as the catalogue knows it.

    ``gtin`` is a GTIN-13 (or ``None`` for items sold by PLU only); ``price`` is in yen per
    unit, or per kilogram when ``weighed``; ``price_includes_tax`` says 内税 (True) or
    外税 (False).
    """

    sku: str
    name_ja: str
    name_en: str
    price: Yen
    tax: TaxCategory
    gtin: str | None = None
    plu: str | None = None
    price_includes_tax: bool = True
    department: str = "general"
    age_restricted: bool = False
    weighed: bool = False
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.price, int) or isinstance(self.price, bool):
            raise TypeError(f"{self.sku}: price must be int yen")
        if self.price < 0:
            raise ValueError(f"{self.sku}: price must not be negative")
        if self.gtin is None and self.plu is None:
            raise ValueError(f"{self.sku}: a product needs a GTIN or a PLU code")

    @property
    def priced_by_label(self) -> bool:
        """Sold only under the store's in-store label, whose barcode carries the price (a
        deli pack, meat by weight): no catalogue price and no GTIN of its own. Chosen from
        the look-up it would cost ¥0, so the look-up neither lists nor adds it."""
        return self.price == 0 and self.gtin is None

    def name(self, language: str) -> str:
        """The name in ``language``, falling back to Japanese then English."""
        if language == "ja":
            return self.name_ja
        if language == "en":
            return self.name_en
        return self.names.get(language) or self.name_en or self.name_ja
