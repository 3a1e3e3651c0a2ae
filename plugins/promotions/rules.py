"""Promotion rules as the store configures them (``[plugins.promotions.rules.<id>]``).

``type`` is one of:

- ``mix_match`` (よりどり): any ``quantity`` of the eligible items for ``price`` yen;
- ``buy_get`` (X点買うとY点無料): buy ``buy``, get ``get`` of the cheapest free
  (or ``percent_off`` off them);
- ``time_sale`` (タイムセール): ``amount_off`` yen or ``percent_off`` % off each eligible
  unit between ``start`` and ``end`` (HH:MM, local time; optional ``weekdays``);
- ``department`` (部門割引): ``percent_off`` off every unit of ``department``.

Eligibility: ``skus = [...]`` and/or ``department = "..."``. ``valid_from``/``valid_to``
(dates, inclusive) limit any rule. ``label_ja``/``label_en`` name it on the receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from kiosk.domain.basket import BasketLine
from kiosk.messages import Localised

TYPES = ("mix_match", "buy_get", "time_sale", "department")


class PromotionConfigError(ValueError):
    """A promotion rule in the store configuration that cannot work; the message names it."""


@dataclass(frozen=True, slots=True)
class PromotionRule:
    rule_id: str
    type: str
    label_ja: str
    label_en: str
    skus: frozenset[str] = frozenset()
    department: str | None = None
    quantity: int = 0  # mix_match
    price: int = 0  # mix_match
    buy: int = 0  # buy_get
    get: int = 0  # buy_get
    amount_off: int = 0
    percent_off: int = 0
    start: time | None = None  # time_sale
    end: time | None = None
    weekdays: frozenset[int] = frozenset()
    valid_from: date | None = None
    valid_to: date | None = None
    #: the name in every language the store keyed (label_ja, label_en, label_zh_Hans, label_ko)
    names: Localised | None = None

    @property
    def label(self) -> Localised:
        return self.names if self.names else Localised.of(ja=self.label_ja, en=self.label_en)

    @classmethod
    def from_mapping(cls, rule_id: str, d: Mapping[str, Any]) -> PromotionRule:
        kind = d.get("type")
        if kind not in TYPES:
            raise PromotionConfigError(f"promotion {rule_id}: type must be one of {TYPES}")
        skus = frozenset(str(s) for s in d.get("skus", ()))
        department = d.get("department")
        if not skus and not department:
            raise PromotionConfigError(f"promotion {rule_id}: give skus or department")

        def clock(key: str) -> time | None:
            return time.fromisoformat(d[key]) if d.get(key) else None

        def day(key: str) -> date | None:
            return date.fromisoformat(str(d[key])) if d.get(key) else None

        rule = cls(
            rule_id=rule_id,
            type=kind,
            label_ja=str(d.get("label_ja", rule_id)),
            label_en=str(d.get("label_en", rule_id)),
            names=Localised.from_keys(d, "label", ja=rule_id, en=rule_id),
            skus=skus,
            department=department,
            quantity=int(d.get("quantity", 0)),
            price=int(d.get("price", 0)),
            buy=int(d.get("buy", 0)),
            get=int(d.get("get", 0)),
            amount_off=int(d.get("amount_off", 0)),
            percent_off=int(d.get("percent_off", 100 if kind == "buy_get" else 0)),
            start=clock("start"),
            end=clock("end"),
            weekdays=frozenset(int(w) for w in d.get("weekdays", ())),
            valid_from=day("valid_from"),
            valid_to=day("valid_to"),
        )
        rule.check()
        return rule

    def check(self) -> None:
        problems = {
            "mix_match": self.quantity < 2 or self.price < 0,
            "buy_get": self.buy < 1 or self.get < 1 or not 0 < self.percent_off <= 100,
            "time_sale": self.start is None
            or self.end is None
            or (self.amount_off > 0) == (self.percent_off > 0),
            "department": not self.department or not 0 < self.percent_off <= 100,
        }
        if problems[self.type]:
            raise PromotionConfigError(
                f"promotion {self.rule_id} ({self.type}): check its fields against docs/loyalty.md"
            )

    def eligible(self, line: BasketLine) -> bool:
        return line.product.sku in self.skus or (
            self.department is not None and line.product.department == self.department
        )

    def active(self, now: datetime) -> bool:
        today = now.date()
        if (self.valid_from and today < self.valid_from) or (
            self.valid_to and today > self.valid_to
        ):
            return False
        if self.weekdays and today.weekday() not in self.weekdays:
            return False
        if self.start is not None and self.end is not None:
            at = now.time()
            if self.start <= self.end:
                return self.start <= at < self.end
            return at >= self.start or at < self.end  # crosses midnight
        return True
