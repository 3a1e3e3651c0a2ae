"""The shopper's basket: lines added by scan, PLU or weight; quantity changes; voids.

A voided line stays in the basket marked void (with who and why) so the journal and the
receipt audit trail can show it; it simply stops counting.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from kiosk.domain.codes import InStoreCode
from kiosk.domain.limits import Limit, limit_message, over_limit
from kiosk.domain.money import Yen
from kiosk.domain.product import Product, TaxCategory


class LineSource(StrEnum):
    SCAN = "scan"
    PLU = "plu"
    WEIGHT = "weight"
    LOOKUP = "lookup"
    HANDOFF = "handoff"


class BasketError(ValueError):
    """A basket operation that cannot be done (unknown line, bad quantity, voided line)."""


class LimitExceeded(BasketError):
    """A line or the sale would go past a bound of :mod:`kiosk.domain.limits`; nothing changed.

    ``limit`` says which (the screen shows its own text for each), ``value`` what was asked.
    """

    def __init__(self, limit: Limit, value: int) -> None:
        super().__init__(limit_message(limit, value))
        self.limit, self.value = limit, value


def weighed_amount(price_per_kg: Yen, weight_g: int) -> Yen:
    """Price of a weighed item: per-kg price × grams, in whole yen.

    Truncated (切り捨て), as Japanese price-computing scales print their labels; the kiosk's
    weigh screen shows this same figure before the shopper adds the item.
    """
    return price_per_kg * weight_g // 1000


class LineFigures:
    """A line's figures from its product, price, quantity and weight: the same for the live
    :class:`BasketLine` and its frozen snapshot (:mod:`kiosk.runtime.sale_view`)."""

    __slots__ = ()
    product: Product
    quantity: int
    unit_price: Yen
    weight_g: int | None

    @property
    def amount(self) -> Yen:
        """Line amount before adjustments, in the product's price mode (内税 or 外税)."""
        if self.weight_g is not None:
            return weighed_amount(self.unit_price, self.weight_g)
        return self.unit_price * self.quantity

    @property
    def tax(self) -> TaxCategory:
        return self.product.tax

    @property
    def reduced_rate(self) -> bool:
        return self.product.tax is TaxCategory.REDUCED


@dataclass(slots=True)
class BasketLine(LineFigures):
    line_id: int
    product: Product
    quantity: int = 1
    unit_price: Yen = 0
    weight_g: int | None = None
    source: LineSource = LineSource.SCAN
    scanned_code: str | None = None
    voided: bool = False
    void_reason: str | None = None
    voided_by: str | None = None
    age_approved_by: str | None = None

    @property
    def needs_age_check(self) -> bool:
        return self.product.age_restricted and not self.voided and self.age_approved_by is None


class AdjustmentKind(StrEnum):
    PROMOTION = "promotion"
    COUPON = "coupon"
    MEMBER_PRICE = "member_price"
    DISCOUNT = "discount"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A price change from a promotion, coupon or member price; ``amount`` < 0 is a discount.

    ``line_ids`` names the lines it applies to; empty means the whole basket, in which case
    it is spread over the tax rates in proportion to their amounts (see :mod:`tax`).
    """

    key: str
    kind: AdjustmentKind
    amount: Yen
    # its label: a kiosk.messages.Message (a key of the plugin's catalogue, its parameters
    # such as a coupon's name kept by the store in several languages), rendered per language
    message: Any = field(compare=False)
    line_ids: tuple[int, ...] = ()
    source: str = ""

    def label(self, language: str) -> str:
        """The label in ``language`` (screen, receipt, the sale document's ``labels``)."""
        return str(self.message.render(language))


@dataclass(frozen=True, slots=True)
class AdjustContext:
    """What adjusters may need beyond the basket."""

    now: datetime
    language: str = "ja"
    member_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


class Basket:
    def __init__(self) -> None:
        self._lines: list[BasketLine] = []
        self._ids = itertools.count(1)
        self.adjustments: list[Adjustment] = []

    @property
    def lines(self) -> list[BasketLine]:
        """Every line, voided ones included, in the order added."""
        return list(self._lines)

    @property
    def active_lines(self) -> list[BasketLine]:
        return [line for line in self._lines if not line.voided]

    @property
    def item_count(self) -> int:
        return sum(1 if line.weight_g is not None else line.quantity for line in self.active_lines)

    def is_empty(self) -> bool:
        return not self.active_lines

    def line(self, line_id: int) -> BasketLine:
        for line in self._lines:
            if line.line_id == line_id:
                return line
        raise BasketError(f"no basket line {line_id}")

    def add(
        self,
        product: Product,
        quantity: int = 1,
        *,
        source: LineSource = LineSource.SCAN,
        instore: InStoreCode | None = None,
        scanned_code: str | None = None,
    ) -> BasketLine:
        """Add ``quantity`` of ``product``; a repeat scan of the same item merges into its line.

        An in-store label carries its own price (or weight), so each label is its own line.
        """
        if quantity < 1:
            raise BasketError("quantity must be at least 1")
        if product.weighed and instore is None:
            raise BasketError(f"{product.name_en} is sold by weight: put it on the scale")
        if instore is not None:
            line = self._instore_line(product, instore, source, scanned_code)
            return self._append(self._checked(line))
        for line in self._lines:
            if (
                not line.voided
                and line.product.sku == product.sku
                and line.weight_g is None
                and line.unit_price == product.price
            ):
                self._check(line, line.quantity + quantity)
                line.quantity += quantity
                return line
        return self._append(
            self._checked(
                BasketLine(
                    line_id=0,
                    product=product,
                    quantity=quantity,
                    unit_price=product.price,
                    source=source,
                    scanned_code=scanned_code,
                )
            )
        )

    def add_weighed(self, product: Product, weight_g: int) -> BasketLine:
        """Add a weighed item (price per kg × weight, truncated to whole yen)."""
        if not product.weighed:
            raise BasketError(f"{product.name_en} is not sold by weight")
        if weight_g <= 0:
            raise BasketError("weight must be more than 0 g")
        return self._append(
            self._checked(
                BasketLine(
                    line_id=0,
                    product=product,
                    unit_price=product.price,
                    weight_g=weight_g,
                    source=LineSource.WEIGHT,
                )
            )
        )

    def set_quantity(self, line_id: int, quantity: int) -> BasketLine:
        line = self._live_line(line_id)
        if line.weight_g is not None:
            raise BasketError("a weighed line has no quantity to change")
        if quantity < 1:
            raise BasketError("quantity must be at least 1; void the line to remove it")
        self._check(line, quantity)
        line.quantity = quantity
        return line

    def void_line(self, line_id: int, reason: str, by: str | None = None) -> BasketLine:
        line = self._live_line(line_id)
        line.voided = True
        line.void_reason = reason
        line.voided_by = by
        return line

    def approve_age(self, line_id: int, by: str) -> BasketLine:
        line = self._live_line(line_id)
        line.age_approved_by = by
        return line

    def lines_needing_age_check(self) -> list[BasketLine]:
        return [line for line in self._lines if line.needs_age_check]

    def snapshot(self) -> list[BasketLine]:
        """A copy of every line, for suspending the basket or handing it off."""
        return [replace(line) for line in self._lines]

    @classmethod
    def restore(cls, lines: list[BasketLine]) -> Basket:
        basket = cls()
        for line in lines:
            basket._append(replace(line))
        return basket

    def _check(self, line: BasketLine, quantity: int) -> None:
        """Raise :class:`LimitExceeded` if ``line`` at ``quantity`` would pass a bound."""
        if line.weight_g is None and over_limit(Limit.LINE_QUANTITY, quantity):
            raise LimitExceeded(Limit.LINE_QUANTITY, quantity)
        amount = replace(line, quantity=quantity).amount
        if over_limit(Limit.LINE_AMOUNT, amount):
            raise LimitExceeded(Limit.LINE_AMOUNT, amount)
        others = sum(o.amount for o in self.active_lines if o is not line)
        if over_limit(Limit.SALE_AMOUNT, others + amount):
            raise LimitExceeded(Limit.SALE_AMOUNT, others + amount)

    def _checked(self, line: BasketLine) -> BasketLine:
        self._check(line, line.quantity)
        return line

    def _live_line(self, line_id: int) -> BasketLine:
        line = self.line(line_id)
        if line.voided:
            raise BasketError(f"line {line_id} is already voided")
        return line

    def _append(self, line: BasketLine) -> BasketLine:
        line.line_id = next(self._ids)
        self._lines.append(line)
        return line

    @staticmethod
    def _instore_line(
        product: Product, instore: InStoreCode, source: LineSource, scanned_code: str | None
    ) -> BasketLine:
        if instore.weight_g is not None:
            return BasketLine(
                line_id=0,
                product=product,
                unit_price=product.price,
                weight_g=instore.weight_g,
                source=source,
                scanned_code=scanned_code,
            )
        assert instore.price is not None
        return BasketLine(
            line_id=0,
            product=product,
            unit_price=instore.price,
            source=source,
            scanned_code=scanned_code,
        )
