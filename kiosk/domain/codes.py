"""Product codes: JAN/EAN-13, EAN-8, UPC-A/E normalised to GTIN-13, and in-store codes.

Japanese stores print their own EAN-13 labels (インストアコード) with prefix 02 or 20–29;
the digits after the prefix carry an item code and a price or a weight. Which digits mean
what differs per store, so the layout is data (:class:`InStoreLayout`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from stdnum import ean
from stdnum.exceptions import ValidationError


class InvalidBarcode(ValueError):
    """A code that is not a well-formed product code (wrong length, digits or check digit)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"invalid barcode {code!r}: {reason}")
        self.code = code
        self.reason = reason


def upce_to_upca(upce: str) -> str:
    """Expand an 8-digit UPC-E (number system, 6 digits, check) to its 12-digit UPC-A."""
    if len(upce) != 8 or not upce.isdigit():
        raise InvalidBarcode(upce, "UPC-E must be 8 digits")
    number_system, d, check = upce[0], upce[1:7], upce[7]
    if number_system not in "01":
        raise InvalidBarcode(upce, "UPC-E number system must be 0 or 1")
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return number_system + body + check


def normalize_gtin(code: str, *, upce: bool = False) -> str:
    """Return the GTIN-13 for an EAN-13, EAN-8, UPC-A or UPC-E code, check digit verified.

    EAN-8 and UPC codes are left-padded with zeros, as GS1 does when it writes them in a
    GTIN field. An 8-digit code is read as UPC-E when the scanner says so (``upce=True``) or
    when it is not a valid EAN-8 but is a valid UPC-E. Raises :class:`InvalidBarcode`.
    """
    text = code.strip()
    if not text.isdigit():
        raise InvalidBarcode(code, "a product code has digits only")
    if len(text) == 8 and text[0] in "01" and (upce or not _valid(text)):
        text = upce_to_upca(text)
    if len(text) == 14 and text.startswith("0"):
        text = text[1:]
    if len(text) not in (8, 12, 13):
        raise InvalidBarcode(code, f"{len(text)} digits; expected 8, 12 or 13")
    if not _valid(text):
        raise InvalidBarcode(code, "check digit does not match")
    return text.zfill(13)


def _valid(digits: str) -> bool:
    try:
        ean.validate(digits)
    except ValidationError:
        return False
    return True


class InStoreValue(StrEnum):
    PRICE = "price"
    WEIGHT = "weight"


@dataclass(frozen=True, slots=True)
class InStoreLayout:
    """Which digits of an in-store EAN-13 hold what (0-based, end exclusive).

    The default is the common 2 + 5 + 5 + 1 layout: flag, item code, price in yen, check.
    """

    prefixes: tuple[str, ...] = ("02", *(str(n) for n in range(20, 30)))
    item: tuple[int, int] = (2, 7)
    value: tuple[int, int] = (7, 12)
    value_kind: InStoreValue = InStoreValue.PRICE

    def matches(self, gtin13: str) -> bool:
        return any(gtin13.startswith(p) for p in self.prefixes)


@dataclass(frozen=True, slots=True)
class InStoreCode:
    """A decoded in-store label: the item it names and the price (yen) or weight (g) it carries."""

    gtin: str
    item_code: str
    price: int | None = None
    weight_g: int | None = None


def parse_instore(gtin13: str, layouts: tuple[InStoreLayout, ...]) -> InStoreCode | None:
    """Decode an in-store label by the first layout whose prefix matches; ``None`` if none does."""
    for layout in layouts:
        if not layout.matches(gtin13):
            continue
        item = gtin13[layout.item[0] : layout.item[1]]
        value = int(gtin13[layout.value[0] : layout.value[1]])
        if layout.value_kind is InStoreValue.PRICE:
            return InStoreCode(gtin=gtin13, item_code=item, price=value)
        return InStoreCode(gtin=gtin13, item_code=item, weight_g=value)
    return None
