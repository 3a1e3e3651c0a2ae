"""Where the loyalty plugin plugs into the kiosk (its enrolment screen, its store tables) and
the back office: customers, campaigns and the store-wide loyalty ledger (points, members,
coupon uses).

Only through hooks (``kiosk/hookspecs.py``, "Plugin layout"); the back-office modules are
imported when a hook is called, so a kiosk never loads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.hookspecs import hookimpl

BACKOFFICE_MIGRATIONS = Path(__file__).with_name("migrations") / "backoffice"
#: the kiosk store's branch "loyalty" (members, consents, points); revision ids kept from
#: when they were core, so an existing store carries on
STORE_MIGRATIONS = Path(__file__).with_name("migrations") / "store"


class LoyaltyLayout:
    """The layout hooks; :class:`plugins.loyalty.Plugin` inherits them."""

    @hookimpl
    def kiosk_ui_screens(self, ctl: Any) -> list[Any]:
        from plugins.loyalty.ui.enrol import screens

        return screens(ctl)

    @hookimpl
    def kiosk_store_migrations(self) -> list[Path]:
        return [STORE_MIGRATIONS]

    @hookimpl
    def kiosk_backoffice_migrations(self) -> list[Path]:
        return [BACKOFFICE_MIGRATIONS]  # branches "customers" and "loyalty_sync"

    @hookimpl
    def kiosk_backoffice_routers(self) -> list[Any]:
        from plugins.loyalty.backoffice import (
            customers_api,
            customers_web,
            loyalty_sync_api,
            loyalty_web,
        )

        return [
            loyalty_sync_api.router,
            loyalty_web.router,
            customers_api.router,
            customers_web.router,
        ]

    @hookimpl
    def kiosk_backoffice_pages(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import NavEntry

        return [
            NavEntry("/customers", "Customers 顧客"),
            NavEntry("/campaigns", "Campaigns 販促効果"),
        ]

    @hookimpl
    def kiosk_backoffice_templates(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import TemplateFolder

        return [TemplateFolder("loyalty", Path(__file__).parent / "backoffice" / "templates")]

    @hookimpl
    def kiosk_backoffice_event_handlers(self) -> list[Any]:
        from kiosk.backoffice.plugin_api import EventHandler
        from plugins.loyalty.backoffice import campaigns_coupons, loyalty_sync
        from plugins.loyalty.backoffice.coupon_schemas import CouponsReinstated, CouponsUsed
        from plugins.loyalty.backoffice.schemas import LoyaltySale, MemberChange, PointsEntry
        from plugins.loyalty.outbox import MEMBER_EVENT, POINTS_EVENT, SALE_EVENT

        # each kind's schema (the door checks it before any handler runs) on its first
        # handler; "coupons" in this order: the store-wide refusal first, then the
        # campaign's count
        return [
            EventHandler("coupons", loyalty_sync.coupons_consumed, schema=CouponsUsed),
            EventHandler(
                "coupons_reinstated", loyalty_sync.coupons_reinstated, schema=CouponsReinstated
            ),
            EventHandler(POINTS_EVENT, loyalty_sync.points_entry, schema=PointsEntry),
            EventHandler(MEMBER_EVENT, loyalty_sync.member_changed, schema=MemberChange),
            EventHandler("coupons", campaigns_coupons.record_coupon_uses),
            EventHandler(SALE_EVENT, loyalty_sync.sale_summary, schema=LoyaltySale),
        ]
