"""Promotions (販促): mix and match, buy X get Y, time sales, department discounts, markdowns.

This plugin also *settles* every pricing offer on the kiosk (``settles_offers = True``): it
asks the loyalty and coupon plugins for theirs (member prices, points discount, coupons)
and turns all of them into adjustments in one deterministic pass (see :mod:`.pricing`), so
no combination can make a line or the basket negative. Settings: ``[plugins.promotions]``
with ``markdown_prefix`` and ``[plugins.promotions.rules.<id>]`` (see :mod:`.rules`),
overlaid by the rules the back office publishes in master data (``promotions``: a list of
``{"id": ..., <rule fields>}``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kiosk.domain.basket import AdjustmentKind
from kiosk.domain.catalogue import UnknownProduct
from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.domain.money import format_yen
from kiosk.domain.receipt import ReceiptSection
from kiosk.hookspecs import hookimpl
from kiosk.messages import Amount, Message, product_name, scan_claim
from kiosk.sync.masterdata import with_published
from plugins.promotions.markdown import Markdown, parse_markdown
from plugins.promotions.pricing import STAGE_PRICE, Offer, remaining_after, settle
from plugins.promotions.rules import PromotionRule
from plugins.promotions.settings import PromotionsSettings
from plugins.promotions.solver import DealSolver

__all__ = ["Plugin", "PromotionRule"]

NAME = "promotions"
DOMAIN = "plugins.promotions"  # gettext domain: plugins/promotions/locale


def promo_message(key: str, **params: Any) -> Message:
    return Message.of(key, DOMAIN, **params)


SAVING_KINDS = (AdjustmentKind.PROMOTION, AdjustmentKind.MARKDOWN, AdjustmentKind.MEMBER_PRICE)

log = logging.getLogger(__name__)


class Plugin:
    settles_offers = True

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[PromotionsSettings]]:
        return NAME, PromotionsSettings

    def __init__(self) -> None:
        self.runtime: Any = None
        self.rules: tuple[PromotionRule, ...] = ()
        self.markdown_prefix: str | None = None
        self.markdowns: list[Markdown] = []
        self.solver = DealSolver()  # what one scan worked out, reused by the next in the sale
        # hooks run on worker threads: one pricing at a time uses (and fills) the solver
        self._solving = threading.Lock()

    @hookimpl
    def kiosk_masterdata_sections(self) -> list[Any]:
        """This plugin's master-data section ``promotions``: the rules a manager saves in the
        back office (checked then) and every kiosk overlays on its own (:meth:`_take_rules`)."""
        from kiosk.backoffice.plugin_api import MasterDataSection
        from plugins.promotions.published import published_rules_check

        return [MasterDataSection(NAME, [], published_rules_check(PromotionRule.from_mapping))]

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        settings = runtime.config.plugin_settings(NAME)
        self.runtime = runtime
        self.markdown_prefix = settings.get("markdown_prefix")
        self._take_rules()

    @hookimpl
    def kiosk_masterdata_applied(self, runtime: Any, version: int) -> None:
        self._take_rules()

    def _take_rules(self) -> None:
        """``[plugins.promotions.rules]`` overlaid with the back office's published rules."""
        local = dict(self.runtime.config.plugin_settings(NAME).get("rules", {}))
        published = self.runtime.masterdata("promotions")
        rules = with_published(local, published, PromotionRule.from_mapping)
        self.rules = tuple(rules[key] for key in sorted(rules))

    # --- markdown labels -----------------------------------------------------------------

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        label = parse_markdown(scan.code, self.markdown_prefix)
        if label is None:
            return None
        try:
            product = self._product(checkout, label.item_code)
        except UnknownProduct:
            return scan_claim(
                NAME,
                promo_message(
                    "The item on this markdown label is not in our catalogue. Please call staff."
                ),
            )
        if product.weighed:
            return scan_claim(
                NAME,
                promo_message(
                    "Markdown labels do not apply to items sold by weight. Please call staff."
                ),
            )
        line = checkout.add_plu(product.plu)
        self.markdowns.append(Markdown(line.line_id, label.reduced_price))
        checkout.refresh_adjustments()
        message = promo_message(
            "Reduced: {name} {price}",
            name=product_name(product),
            price=Amount(label.reduced_price),
        )
        return scan_claim(NAME, message, payload=line.line_id)

    @staticmethod
    def _product(checkout: Any, item_code: str) -> Any:
        """The label's 5-digit item code, as a PLU with or without its leading zeros."""
        try:
            return checkout.catalogue.by_plu(item_code)
        except UnknownProduct:
            return checkout.catalogue.by_plu(item_code.lstrip("0") or "0")

    def _markdown_offers(self, basket: Any) -> list[Offer]:
        offers, used = [], {}
        for n, markdown in enumerate(self.markdowns):
            try:
                line = basket.line(markdown.line_id)
            except Exception:
                continue
            used[line.line_id] = used.get(line.line_id, 0) + 1
            if line.voided or used[line.line_id] > line.quantity:
                continue  # more labels than units left on the line
            off = line.unit_price - markdown.reduced_price
            if off > 0:
                offers.append(
                    Offer(
                        key=f"markdown-{n:03d}",
                        kind=AdjustmentKind.MARKDOWN,
                        message=promo_message("Reduced {name}", name=product_name(line.product)),
                        stage=STAGE_PRICE,
                        amount_off=off,
                        line_ids=(line.line_id,),
                        source=NAME,
                    )
                )
        return offers

    # --- settling every offer ------------------------------------------------------------

    @hookimpl
    def kiosk_adjust_basket(self, basket: Any, context: Any) -> list[Any]:
        lines = basket.active_lines
        offers = self._markdown_offers(basket)
        if self.runtime is not None:  # every other plugin's offers, settled with ours
            offers += self.runtime.pricing_offers(basket, context)
        price_changes = [o for o in offers if o.stage == STAGE_PRICE]
        remaining = remaining_after(lines, settle(lines, price_changes))
        active = [r for r in self.rules if r.active(context.now)]
        with self._solving:
            promotions = self.solver.offers(self.solver.best_deals(lines, remaining, active))
        return settle(lines, [*offers, *promotions])

    @hookimpl
    def kiosk_state_changed(self, checkout: Any, old: Any, new: Any) -> None:
        if new is CheckoutState.IDLE:
            self.markdowns = []
            with self._solving:
                self.solver.clear()

    @hookimpl
    def kiosk_receipt_sections(self, sale: Any) -> list[ReceiptSection]:
        savings = [a for a in sale.adjustments if a.kind in SAVING_KINDS]
        if not savings:
            return []
        lang = sale.language  # the receipt's language: this plugin's catalogue has all four
        lines = [f"{a.label(lang)} {format_yen(a.amount, lang)}" for a in savings]
        total = sum(a.amount for a in savings)
        lines.append(promo_message("You saved {amount}", amount=Amount(-total)).render(lang))
        return [ReceiptSection(promo_message("Savings").render(lang), tuple(lines))]
