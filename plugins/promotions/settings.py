"""``[plugins.promotions]`` as the configuration check sees it: each rule's keys are the
ones :meth:`PromotionRule.from_mapping` reads, so a misspelt key (``valid_too``,
``quantitty``) stops the kiosk with a line naming it instead of being ignored — a sale
that never ends, or a rule that cannot work, would otherwise go live."""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plugins.promotions.rules import PromotionRule


class StoreTerms(BaseModel):
    """What a promotion rule and a coupon definition share: when it runs and its name in
    the languages the store keyed (``label_zh-Hans`` is read as ``label_zh_Hans``).
    Defaults are the plugin's (``from_mapping``): here only the keys and TOML types."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    valid_from: date | None = None
    valid_to: date | None = None
    label_ja: str | None = None
    label_en: str | None = None
    label_zh_Hans: str | None = None
    label_zh_Hans_dash: str | None = Field(None, alias="label_zh-Hans")
    label_ko: str | None = None


class PromotionRuleSettings(StoreTerms):
    """``[plugins.promotions.rules.<id>]``: one promotion (docs/loyalty.md)."""

    type: str | None = None
    skus: list[str] | None = None
    department: str | None = None
    quantity: int | None = None
    price: int | None = None
    buy: int | None = None
    get: int | None = None
    amount_off: int | None = None
    percent_off: int | None = None
    start: str | time | None = None
    end: str | time | None = None
    weekdays: list[int] | None = None

    @model_validator(mode="after")
    def terms_make_a_rule(self) -> PromotionRuleSettings:
        """The rule as the plugin will read it (its type's fields; the error is said under
        the rule's path: no id in the message)."""
        terms = self.model_dump(by_alias=True, exclude_none=True)
        for key in ("start", "end"):  # as the plugin reads them: ISO text
            if key in terms:
                terms[key] = str(terms[key])
        try:
            PromotionRule.from_mapping("", terms)
        except ValueError as exc:
            raise ValueError(str(exc).removeprefix("promotion ").lstrip(": ")) from None
        return self


class PromotionsSettings(BaseModel):
    """``[plugins.promotions]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    markdown_prefix: str | None = None  # in-store markdown labels (見切り)
    rules: dict[str, PromotionRuleSettings] = Field(default_factory=dict)
