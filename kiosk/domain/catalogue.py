"""The catalogue the basket looks products up in (in memory; the store fills it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator

from kiosk.domain.codes import InStoreCode, InStoreLayout, normalize_gtin, parse_instore
from kiosk.domain.kana import hiragana
from kiosk.domain.product import Product


class UnknownProduct(LookupError):
    """No product has this code; the shopper should ask staff or use look-up."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no product with code {code!r}")
        self.code = code


class Catalogue:
    def __init__(
        self,
        products: Iterable[Product] = (),
        instore_layouts: tuple[InStoreLayout, ...] = (InStoreLayout(),),
    ) -> None:
        self.instore_layouts = instore_layouts
        self._by_sku: dict[str, Product] = {}
        self._by_gtin: dict[str, Product] = {}
        self._by_plu: dict[str, Product] = {}
        for product in products:
            self.add(product)

    def add(self, product: Product) -> None:
        self._by_sku[product.sku] = product
        if product.gtin:
            self._by_gtin[product.gtin] = product
        if product.plu:
            self._by_plu[product.plu] = product

    def __len__(self) -> int:
        return len(self._by_sku)

    def emptied(self, chunk: int) -> Iterator[int]:
        """Empty this catalogue ``chunk`` entries at a time, yielding what is left in between.

        Freeing 100k products in one go holds the interpreter for tens of milliseconds; a
        caller that lets other threads run between chunks spreads that out.
        """
        for table in (self._by_gtin, self._by_plu, self._by_sku):
            while table:
                for _ in range(min(chunk, len(table))):
                    table.popitem()
                yield len(table)

    def __iter__(self):
        return iter(self._by_sku.values())

    def by_sku(self, sku: str) -> Product:
        try:
            return self._by_sku[sku]
        except KeyError:
            raise UnknownProduct(sku) from None

    def by_plu(self, plu: str) -> Product:
        try:
            return self._by_plu[plu]
        except KeyError:
            raise UnknownProduct(plu) from None

    def resolve_scan(self, code: str, *, upce: bool = False) -> tuple[Product, InStoreCode | None]:
        """Find the product a scanned code names.

        Raises :class:`~kiosk.domain.codes.InvalidBarcode` for a malformed code and
        :class:`UnknownProduct` for a well-formed one nobody sells. In-store labels are
        matched by their item code against products whose PLU equals it.
        """
        gtin = normalize_gtin(code, upce=upce)
        product = self._by_gtin.get(gtin)
        if product is not None:
            return product, None
        instore = parse_instore(gtin, self.instore_layouts)
        if instore is not None and instore.item_code in self._by_plu:
            return self._by_plu[instore.item_code], instore
        raise UnknownProduct(gtin)

    def departments(self) -> list[str]:
        """The departments the look-up lists: those with an item it can offer (not one of
        only label-priced packs, which a shopper scans by their label)."""
        return sorted({p.department for p in self._by_sku.values() if not p.priced_by_label})

    def search(
        self, text: str, language: str = "ja", department: str | None = None
    ) -> list[Product]:
        """Products whose name (any language) contains ``text``, kana-insensitively; not those
        priced by their in-store label (chosen from a list they would cost ¥0)."""
        needle = _fold(text)
        found = []
        for product in self._by_sku.values():
            if (department and product.department != department) or product.priced_by_label:
                continue
            haystack = " ".join(
                [product.name_ja, product.name_en, *product.names.values(), product.plu or ""]
            )
            if needle in _fold(haystack):
                found.append(product)
        return sorted(found, key=lambda p: p.name(language))


def _fold(text: str) -> str:
    """Fold width, case and katakana→hiragana so a keypad search finds either script."""
    return hiragana(unicodedata.normalize("NFKC", text).casefold())
