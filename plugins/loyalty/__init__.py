"""Loyalty (ポイントカード): members, points, member prices, enrolment with consent.

Hooks: a member card or app QR is claimed at scan; member prices and points-as-discount are
offers settled with the promotions (see :mod:`plugins.promotions.pricing`); points are also a
tender (``points`` payment method); a committed sale books its points and adds a receipt
section. The UI reaches the service with :func:`loyalty_for`. Settings: ``[plugins.loyalty]``
(see docs/loyalty.md). With a back office, members and points entries of the store's other
kiosks arrive through :meth:`Plugin.sync_pull` (see :mod:`plugins.loyalty.sync`).
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.domain.receipt import ReceiptSection
from kiosk.hookspecs import hookimpl
from kiosk.messages import Message, scan_claim
from kiosk.sync.feed import FeedPuller
from plugins.loyalty import returns as loyalty_returns
from plugins.loyalty.errors import ForgedMemberCode, UnknownMember, loyalty_message
from plugins.loyalty.layout import LoyaltyLayout
from plugins.loyalty.service import LoyaltyService, MemberView
from plugins.loyalty.settings import LoyaltySettingsTable
from plugins.loyalty.sync import LOYALTY_TOPIC, LoyaltyFeed
from plugins.loyalty.tender import PointsMethod
from plugins.promotions.pricing import settle

__all__ = ["LoyaltyService", "MemberView", "Plugin", "loyalty_for"]

NAME = "loyalty"

# what the shopper is told (plugins/loyalty/locale translates them)
FORGED_CODE = loyalty_message(
    "This member code is not valid here. Please ask staff, or enter your phone number."
)
NO_MEMBER = loyalty_message(
    "There is no member with this code or number. Please check it, or ask staff."
)


def member_status(view: Any) -> Message:
    """ "Member 山田 様: 120 points" once a member is identified (card, QR or phone)."""
    if view.display_name:
        return loyalty_message(
            "Member {name}: {points} points", name=view.display_name, points=view.points
        )
    return loyalty_message("Member: {points} points", points=view.points)


def loyalty_for(runtime: Any) -> LoyaltyService:
    """The loyalty service of ``runtime`` (raises LookupError if the plugin is not loaded)."""
    plugin = runtime.plugin_api(NAME)  # LookupError when not live here
    if plugin.service is None:
        raise LookupError("the loyalty plugin is not started on this kiosk")
    return plugin.service


class Plugin(LoyaltyLayout):
    def __init__(self) -> None:
        self.service: LoyaltyService | None = None
        self.runtime: Any = None
        self.method: PointsMethod | None = None
        self.feed: FeedPuller | None = None

    def plugin_api(self) -> Plugin:
        """What ``runtime.plugin_api("loyalty")`` gives this plugin's own screens and
        command-line helpers (:func:`loyalty_for`): the plugin itself."""
        return self

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[LoyaltySettingsTable]]:
        # the keys and types, checked when kiosk.toml is read; the values' meaning at start-up
        return NAME, LoyaltySettingsTable

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        self.runtime = runtime
        self.service = LoyaltyService(runtime, runtime.config.plugin_settings(NAME))
        self.service.recover()
        loyalty_returns.recover_returns(self.service)
        self.feed = FeedPuller(runtime, LOYALTY_TOPIC, LoyaltyFeed(self.service).apply)

    def sync_pull(self, client: Any, token: str) -> int:
        """Sync step (called by :class:`kiosk.sync.service.SyncService`): apply the members
        and points entries of the store's other kiosks."""
        return self.feed.pull(client, token) if self.feed is not None else 0

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        service = self.service
        if service is None or not service.is_member_code(scan.code):
            return None
        try:
            view = service.identify_code(scan.code)
        except ForgedMemberCode:
            return scan_claim(NAME, FORGED_CODE, payload=None)
        except UnknownMember:
            return scan_claim(NAME, NO_MEMBER)
        return scan_claim(NAME, member_status(view), payload=view)

    def pricing_offers(self, basket: Any, context: Any) -> list[Any]:
        return self.service.offers(basket, context.member_id) if self.service else []

    @hookimpl
    def kiosk_adjust_basket(self, basket: Any, context: Any) -> list[Any]:
        if self.service is None or self.runtime.offers_coordinated():
            return []  # the promotions plugin settles our offers with everyone else's
        return settle(basket.active_lines, self.pricing_offers(basket, context))

    @hookimpl
    def kiosk_payment_methods(self, runtime: Any) -> list[PointsMethod]:
        if self.service is None:
            return []
        if self.method is None:
            service = self.service
            self.method = PointsMethod(
                service.ledger,
                member=lambda: runtime.member_id,
                held=lambda: service.points_discount,
                clock=lambda: runtime.clock(),
                training=lambda: bool(getattr(runtime, "training", False)),
            )
        return [self.method]

    @hookimpl
    def kiosk_sale_completed(self, sale: Any) -> None:
        # a training sale (練習) earns and spends no real points and counts in no campaign
        if self.service is not None and not sale.training:
            self.service.record_sale(sale.to_document())

    @hookimpl
    def kiosk_return_completed(self, document: dict[str, Any]) -> None:
        if self.service is not None:
            loyalty_returns.record_return(self.service, document)

    @hookimpl
    def kiosk_state_changed(self, checkout: Any, old: Any, new: Any) -> None:
        if self.service is not None and new is CheckoutState.IDLE:
            self.service.end_session()

    @hookimpl
    def kiosk_receipt_sections(self, sale: Any) -> list[ReceiptSection]:
        if self.service is None or not sale.member_id:
            return []
        lang = sale.language  # the receipt's language: this plugin's catalogue has all four

        def say(key: str, **params: Any) -> str:
            return loyalty_message(key, **params).render(lang)

        balance = self.service.balance(sale.member_id)
        masked = "****" + sale.member_id[-4:]
        title = say("Points")
        if sale.training:
            # practice: the points it would earn, shown as such; the balance is unchanged
            earned = self.service.training_points(sale.to_document())
            lines = [
                say("Member {number}", number=masked),
                say("Points earned {points}pt (training: not awarded)", points=earned),
                say("Points balance {points}pt", points=balance.points),
            ]
            return [ReceiptSection(title, tuple(lines))]
        record = self.service.sale_record(sale.sale_id)
        if record is None:
            return []
        lines = [
            say("Member {number}", number=masked),
            say("Points earned {points}pt", points=record["earned"]),
        ]
        used = record["redeemed_tender"] + record["redeemed_discount"]
        if used:
            lines.append(say("Points used {points}pt", points=used))
        lines.append(say("Points balance {points}pt", points=balance.points))
        expiry = balance.next_expiry()
        if expiry is not None:
            when = expiry[0].strftime("%Y/%m/%d")
            lines.append(say("of which {points}pt expire {date}", points=expiry[1], date=when))
        return [ReceiptSection(title, tuple(lines))]
