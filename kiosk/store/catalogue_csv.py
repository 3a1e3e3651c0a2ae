"""Import a catalogue from CSV: every row checked, errors name the line and the field,
and nothing is written unless every row is good."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.codes import InvalidBarcode, normalize_gtin
from kiosk.domain.limits import MAX_LINE_AMOUNT
from kiosk.domain.product import Product, TaxCategory
from kiosk.domain.text_controls import hidden_controls

REQUIRED = ("sku", "name_ja", "name_en", "price", "tax")
#: the longest product name, in characters, in any language: ample for a real name, a few
#: lines at most on the basket screen and the receipt, and always within the kiosk's and the
#: back office's columns (String(200)); documented in docs/getting-started.md
MAX_NAME_LENGTH = 80
#: the longest code fields, as the kiosk's and the back office's columns hold them
MAX_LENGTHS = {
    "sku": 64,
    "plu": 16,
    "department": 64,
    **{f"name_{c}": MAX_NAME_LENGTH for c in ("ja", "en", "zh_hans", "ko")},
}
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field!r}: {self.problem}"


class CatalogueImportError(ValueError):
    def __init__(self, source: str, errors: list[RowError]) -> None:
        shown = "\n  ".join(str(e) for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{source}: {len(errors)} problem(s), nothing imported:\n  {shown}{more}")
        self.errors = errors


def read_catalogue_csv(path: Path | str) -> list[Product]:
    """Parse and validate the whole file; raise :class:`CatalogueImportError` listing problems."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueImportError(source, [RowError(0, "-", "file is not UTF-8")]) from None
    # a quoted field may hold a line break (refused below, by name); str.splitlines would
    # drop it silently and also split a row at U+2028 or U+0085 inside a name
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueImportError(source, [RowError(1, c, "column is missing") for c in missing])
    products: list[Product] = []
    errors: list[RowError] = []
    seen: dict[str, dict[str, int]] = {"sku": {}, "gtin": {}, "plu": {}}
    for row in reader:
        line_no = reader.line_num  # the file's line (a record's last, if it spans lines)
        product = _parse_row(row, line_no, errors)
        if product is None:
            continue
        for key in ("sku", "gtin", "plu"):
            value = getattr(product, key)
            if value and value in seen[key]:
                errors.append(RowError(line_no, key, f"{value} repeats line {seen[key][value]}"))
            elif value:
                seen[key][value] = line_no
        products.append(product)
    if errors:
        raise CatalogueImportError(source, errors)
    return products


def _parse_row(row: dict[str, str], line: int, errors: list[RowError]) -> Product | None:
    before = len(errors)

    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    def flag(name: str) -> bool:
        value = text(name).lower()
        if value not in _TRUE | _FALSE:
            errors.append(RowError(line, name, f"{value!r} is not 0/1/true/false"))
        return value in _TRUE

    for name in REQUIRED:
        if not text(name):
            errors.append(RowError(line, name, "is empty"))
    for name, value in row.items():
        problem = hidden_controls(value or "") if isinstance(name, str) else ""
        if problem:
            errors.append(RowError(line, name, problem))
    for name, limit in MAX_LENGTHS.items():
        if len(text(name)) > limit:
            errors.append(
                RowError(line, name, f"is {len(text(name))} characters long; at most {limit}")
            )
    price = 0
    try:
        price = int(text("price") or "0")
        if price < 0:
            errors.append(RowError(line, "price", "must not be negative"))
        elif price > MAX_LINE_AMOUNT:
            # one piece could never be sold (and the store's column holds 64 bits at most)
            errors.append(
                RowError(
                    line,
                    "price",
                    f"{price:,} yen is over the kiosk's limit of {MAX_LINE_AMOUNT:,} a line",
                )
            )
    except ValueError:
        errors.append(RowError(line, "price", f"{text('price')!r} is not whole yen"))
    tax = TaxCategory.STANDARD
    try:
        tax = TaxCategory(text("tax"))
    except ValueError:
        if text("tax"):
            errors.append(RowError(line, "tax", f"{text('tax')!r}: use standard or reduced"))
    gtin = text("gtin") or None
    if gtin:
        try:
            gtin = normalize_gtin(gtin)
        except InvalidBarcode as exc:
            errors.append(RowError(line, "gtin", exc.reason))
    plu = text("plu") or None
    if not gtin and not plu:
        errors.append(RowError(line, "gtin", "a product needs a gtin or a plu"))
    includes_tax = flag("price_includes_tax") if text("price_includes_tax") else True
    age, weighed = flag("age_restricted"), flag("weighed")
    if len(errors) > before:
        return None
    names = {
        k: text(f"name_{c}") for k, c in (("zh-Hans", "zh_hans"), ("ko", "ko")) if text(f"name_{c}")
    }
    return Product(
        sku=text("sku"),
        gtin=gtin,
        plu=plu,
        name_ja=text("name_ja"),
        name_en=text("name_en"),
        price=price,
        tax=tax,
        price_includes_tax=includes_tax,
        department=text("department") or "general",
        age_restricted=age,
        weighed=weighed,
        names=names,
    )
