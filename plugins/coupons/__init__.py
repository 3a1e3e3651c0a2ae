"""Coupons (クーポン): signed QR coupons, shared barcode coupons, coupons attached to members.

A scanned coupon is verified (signature, validity, limits) and reserved for the sale at
once; its offer is settled with the promotions; at commit the applied ones are consumed and
the rest released; a cancelled sale releases them all. Settings: ``[plugins.coupons]`` —
``hmac_key`` or ``ed25519_public_key``, ``[plugins.coupons.definitions.<id>]`` terms and
``[plugins.coupons.barcodes]`` (printed code → definition id), overlaid by the coupons the back
office publishes in master data (``coupons``: ``{"id", <terms>, "members": [...]}``; the
members get the coupon attached). With a back office, the sync
thread pulls the coupons other kiosks consumed or reinstated by a return (:meth:`Plugin.sync_pull`).
See docs/loyalty.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kiosk.domain.events import CheckoutState, ScanClaim
from kiosk.domain.money import format_yen
from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.sale import is_training_document
from kiosk.hookspecs import hookimpl
from kiosk.messages import N_, scan_claim
from kiosk.personal_data import MemberEraser
from kiosk.sync.feed import FeedPuller
from kiosk.sync.masterdata import entries_by_id, with_published
from plugins.coupons import tables as t
from plugins.coupons.book import CouponBook, ReconcileReport
from plugins.coupons.codes import Verifier, is_coupon_qr
from plugins.coupons.erasure import member_eraser
from plugins.coupons.errors import CouponNotApplicable, CouponRejected, coupon_message
from plugins.coupons.rules import (
    PUBLISHED_ONLY,
    CouponTerms,
    HeldCoupon,
    coupon_offer,
    coupons_used,
)
from plugins.coupons.settings import CouponsSettings
from plugins.coupons.sync import COUPONS_TOPIC, REINSTATED_EVENT, feed_changes
from plugins.promotions.pricing import Offer, settle

__all__ = ["CouponBook", "CouponTerms", "Plugin", "ReconcileReport", "coupons_for"]

NAME = "coupons"
#: the kiosk store's branch "coupons" (coupon uses, remote uses, members' coupons)
STORE_MIGRATIONS = Path(__file__).with_name("migrations") / "store"


def _whole_sale_returned(sale: dict[str, Any], returns: list[dict[str, Any]]) -> bool:
    """Every unit of ``sale`` has come back in ``returns`` (committed or pending, together)."""
    from kiosk.domain.returns import returnable, returned_so_far

    left = returnable(sale, returned_so_far(returns, str(sale["sale_id"])))
    return not any(left.values())


def coupons_for(runtime: Any) -> Plugin:
    plugin = runtime.plugin_api(NAME)  # LookupError when not live here
    if plugin.book is None:
        raise LookupError("the coupons plugin is not started on this kiosk")
    return plugin


class Plugin:
    def __init__(self) -> None:
        self.runtime: Any = None
        self.book: CouponBook | None = None
        self.verifier = Verifier()
        self.definitions: dict[str, CouponTerms] = {}
        self.barcodes: dict[str, str] = {}
        self.held: list[HeldCoupon] = []
        self.held_sale_id: str | None = None
        self.feed: FeedPuller | None = None

    def plugin_api(self) -> Plugin:
        """What ``runtime.plugin_api("coupons")`` gives this plugin's own screens and
        helpers (:func:`coupons_for`): the plugin itself."""
        return self

    @hookimpl
    def kiosk_plugin_settings(self) -> tuple[str, type[CouponsSettings]]:
        return NAME, CouponsSettings

    @hookimpl
    def kiosk_store_migrations(self) -> list[Path]:
        """The coupon tables: the plugin's own store branch ``coupons``, with or without
        the loyalty plugin."""
        return [STORE_MIGRATIONS]

    @hookimpl
    def kiosk_masterdata_sections(self) -> list[Any]:
        """This plugin's master-data section ``coupons``, checked when a manager saves it: an
        entry with terms of its own must parse; one with only ``members``/``issued`` refers
        to a definition in the kiosks' configuration."""
        from kiosk.backoffice.plugin_api import MasterDataSection
        from plugins.promotions.published import published_rules_check

        check = published_rules_check(
            CouponTerms.from_mapping, ("scope", "amount_off", "percent_off"), PUBLISHED_ONLY
        )
        return [MasterDataSection(NAME, [], check)]

    @hookimpl
    def kiosk_startup(self, runtime: Any) -> None:
        settings = runtime.config.plugin_settings(NAME)
        self.runtime = runtime
        self.verifier = Verifier.from_settings(settings)
        self.barcodes = {str(k): str(v) for k, v in dict(settings.get("barcodes", {})).items()}
        self.book = CouponBook(runtime.unit_of_work, runtime.config.kiosk_id)
        self.feed = FeedPuller(runtime, COUPONS_TOPIC, self.apply_feed)
        committed = {
            str(document["sale_id"])
            for document in runtime.recent_sales(500)
            if not is_training_document(document)  # practice: released
        }
        self.book.recover(committed, runtime.clock())
        self._take_definitions()

    @hookimpl
    def kiosk_masterdata_applied(self, runtime: Any, version: int) -> None:
        published = self._take_definitions()
        # attachments are stored, so only a new version brings any (not every start-up)
        self.attach_all(
            (str(member_id), definition_id)
            for definition_id, fields in entries_by_id(published).items()
            if definition_id in self.definitions
            for member_id in fields.get("members") or ()
        )

    def _take_definitions(self) -> Any:
        """``[plugins.coupons.definitions]`` overlaid with the back office's published
        coupons (returned, for their member lists)."""
        local = dict(self.runtime.config.plugin_settings(NAME).get("definitions", {}))
        published = self.runtime.masterdata("coupons")
        self.definitions = with_published(
            local, published, CouponTerms.from_mapping, ignore=PUBLISHED_ONLY
        )
        return published

    # --- scanning ------------------------------------------------------------------------

    @hookimpl
    def kiosk_claim_scan(self, scan: Any, checkout: Any) -> ScanClaim | None:
        if self.book is None or not (is_coupon_qr(scan.code) or scan.code in self.barcodes):
            return None
        try:
            held = self.take(scan.code)
        except CouponRejected as exc:
            self.runtime.journal(
                "coupon_rejected", {"reason": exc.reason, "sale_id": self.runtime.sale_id}
            )
            return scan_claim(NAME, exc.message, payload=exc)
        label = held.terms.label
        return scan_claim(NAME, coupon_message("Coupon accepted: {label}.", label=label), held)

    def take(self, code: str) -> HeldCoupon:
        """Verify and reserve a scanned coupon; raises a :class:`CouponRejected` subclass."""
        runtime = self.runtime
        today = runtime.clock().date()
        if is_coupon_qr(code):
            payload = self.verifier.verify(code)
            terms = self._terms(str(payload["cid"]), payload.get("t"))
            bound = payload.get("m")
            if bound and bound != runtime.member_id:
                raise CouponNotApplicable(
                    N_("This coupon belongs to a member: scan that member's card first.")
                )
            exp = date.fromisoformat(payload["exp"]) if payload.get("exp") else None
            held = HeldCoupon(f"{payload['cid']}:{payload['sn']}", terms, True, exp)
        else:
            terms = self._terms(self.barcodes[code], None)
            held = HeldCoupon(terms.definition_id, terms, False)
        terms.check_valid(today, held.expires)
        if terms.members_only and runtime.member_id is None:
            raise CouponNotApplicable(
                N_("Members only: scan your member card first, then the coupon.")
            )
        self._sync_session()
        if any(h.coupon_id == held.coupon_id for h in self.held):
            raise CouponNotApplicable(N_("This coupon is already on this sale."))
        if self.held and (not terms.combinable or not all(h.terms.combinable for h in self.held)):
            raise CouponNotApplicable(N_("This coupon cannot be combined with another coupon."))
        self.book.reserve(held, runtime.sale_id, runtime.member_id, runtime.clock())
        self.held.append(held)
        runtime.refresh_adjustments()
        return held

    def remove(self, coupon_id: str) -> None:
        """The shopper took a coupon back off the sale: free it and re-price."""
        self.held = [h for h in self.held if h.coupon_id != coupon_id]
        self.book.release(self.runtime.sale_id, self.runtime.clock(), coupon_id)
        self.runtime.refresh_adjustments()

    # --- member coupons (attached by the back office) ------------------------------------

    def attach(self, member_id: str, definition_id: str) -> None:
        self.attach_all([(member_id, definition_id)])

    def attach_all(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Attach coupons to members (``(member id, definition id)``), in one transaction;
        pairs already attached are left as they are."""
        wanted = set(pairs)
        unknown = {d for _, d in wanted} - self.definitions.keys()
        if unknown:
            raise KeyError(f"no coupon definition {sorted(unknown)}: sync the coupon terms first")
        with self.runtime.unit_of_work() as uow:
            session = uow.session
            have = set(
                session.execute(
                    sa.select(t.member_coupons.c.member_id, t.member_coupons.c.definition_id)
                ).all()
            )
            new = [
                {"member_id": m, "definition_id": d, "attached_at": self.runtime.clock()}
                for m, d in sorted(wanted - have)
            ]
            if new:
                session.execute(t.member_coupons.insert(), new)

    def member_coupons(self, member_id: str) -> list[HeldCoupon]:
        with self.runtime.reading() as read:
            rows = read.session.execute(
                sa.select(t.member_coupons).where(t.member_coupons.c.member_id == member_id)
            ).all()
        return [
            HeldCoupon(
                f"{row.definition_id}@{member_id}",
                self.definitions[row.definition_id],
                False,
                origin="member",
            )
            for row in rows
            if row.definition_id in self.definitions
        ]

    # --- pricing -------------------------------------------------------------------------

    def pricing_offers(self, basket: Any, context: Any) -> list[Offer]:
        self._sync_session()
        coupons = list(self.held)
        if context.member_id and all(h.terms.combinable for h in coupons):
            for held in self.member_coupons(context.member_id):
                try:
                    held.terms.check_valid(context.now.date())
                except CouponRejected:
                    continue
                if coupons and not held.terms.combinable:
                    continue
                coupons.append(held)
        offers = [coupon_offer(h, basket) for h in coupons]
        return [o for o in offers if o is not None]

    @hookimpl
    def kiosk_adjust_basket(self, basket: Any, context: Any) -> list[Any]:
        if self.book is None or self.runtime.offers_coordinated():
            return []
        return settle(basket.active_lines, self.pricing_offers(basket, context))

    # --- sale end ------------------------------------------------------------------------

    @hookimpl
    def kiosk_member_erasers(self) -> list[MemberEraser]:
        """A member erased by loyalty takes its coupons and coupon-use links with it."""
        return [member_eraser(NAME)]

    @hookimpl
    def kiosk_sale_completed(self, sale: Any) -> None:
        if self.book is None:
            return
        if sale.training:  # a practice sale uses no coupon: they stay valid for a real one
            if self.held_sale_id is not None:
                self.book.release(self.held_sale_id, sale.completed_at)
            self.held, self.held_sale_id = [], None
            return
        applied = {a.key for a in sale.adjustments if a.source == NAME}
        at = sale.completed_at
        for held in self.member_coupons(sale.member_id) if sale.member_id else []:
            if held.key in applied:  # a member coupon is reserved only when it is used
                self.book.reserve(held, sale.sale_id, sale.member_id, at)
        # the uses read and settled, their outbox event and the journal row: one
        # transaction, or none of them (a reconcile between a read and the settle would
        # otherwise free or take a use the settle did not see)
        with self.runtime.unit_of_work() as uow:
            used = self._all_ids(uow, sale.sale_id)
            consumed_ids = [c for c in used if f"coupon-{c}" in applied]
            consumed = self.book.settle(uow, sale.sale_id, consumed_ids, at)
            if consumed:
                document = {"sale_id": sale.sale_id, "kiosk_id": sale.kiosk_id, "coupons": consumed}
                uow.send_event(
                    "coupons",
                    document,
                    idempotency_key=sale.sale_id,
                    aggregate_id=sale.sale_id,
                    at=at,
                )
                uow.journal("coupons_consumed", document, at=at)
        self.held, self.held_sale_id = [], None

    @hookimpl
    def kiosk_return_completed(self, document: dict[str, Any]) -> None:
        """A return: each coupon of the sale follows its ``reinstate_on_return`` rule (a
        ``whole_sale`` coupon is usable again once every item of the sale is back).

        The sale may be another kiosk's (found through the back office): then its coupons
        are read from its document, and its returns there count with this kiosk's
        (``runtime.sale_and_returns``); the back office marks the uses it recorded from
        the selling kiosk reinstated and its feed tells every kiosk, the seller too."""
        if self.book is None or document.get("training"):
            return
        sale_id = str(document.get("original_sale_id") or "")
        rule = {d: terms.reinstate_on_return for d, terms in self.definitions.items()}
        whole = [d for d, r in rule.items() if r == "whole_sale"]
        if not whole:
            return
        sale, returns = self.runtime.sale_and_returns(sale_id)
        if sale is None or not _whole_sale_returned(sale, returns):
            return
        at = self.runtime.clock()
        own_kiosk = self.runtime.config.kiosk_id
        # one unit of work: the uses freed here, the journal entry and the outbox row that
        # tells the back office (and through its feed every other kiosk) they are free
        with self.runtime.unit_of_work() as uow:
            if str(sale.get("kiosk_id")) == own_kiosk:
                reinstated = self.book.reinstate(uow, sale_id, whole, at)
            else:
                used = [(c, d) for c, d in coupons_used(sale) if d in whole]
                reinstated = self.book.reinstate_foreign(uow, sale, used, at)
            if not reinstated:
                return
            payload = {
                "return_id": str(document.get("return_id") or ""),
                "sale_id": sale_id,
                "kiosk_id": own_kiosk,
                "coupons": reinstated,
            }
            uow.send_event(
                REINSTATED_EVENT,
                payload,
                idempotency_key=sale_id,
                aggregate_id=sale_id,
                at=at,
            )
            uow.journal("coupons_reinstated", payload, at=at)

    @hookimpl
    def kiosk_state_changed(self, checkout: Any, old: Any, new: Any) -> None:
        if self.book is not None and new is CheckoutState.IDLE and old is not CheckoutState.PAID:
            if self.held_sale_id is not None:
                self.book.release(self.held_sale_id, self.runtime.clock())
            self.held, self.held_sale_id = [], None

    @hookimpl
    def kiosk_receipt_sections(self, sale: Any) -> list[ReceiptSection]:
        if self.book is None:
            return []
        used = [a for a in sale.adjustments if a.source == NAME]
        if not used:
            return []
        lang = sale.language  # the receipt's language: this plugin's catalogue has all four
        lines = tuple(f"{a.label(lang)} {format_yen(a.amount, lang)}" for a in used)
        return [ReceiptSection(coupon_message("Coupons used").render(lang), lines)]

    def reconcile(self, consumed: Any) -> ReconcileReport:
        """Sync step: the back office's consumed coupons (see :meth:`CouponBook.reconcile`)."""
        report = self.book.reconcile(consumed, self.runtime.clock())
        lost = {c.coupon_id for c in report.conflicts if c.local_state == "reserved"}
        if lost:  # the current sale holds a coupon another kiosk already used: drop it
            self.held = [h for h in self.held if h.coupon_id not in lost]
            for coupon_id in lost:
                self.book.release(self.runtime.sale_id, self.runtime.clock(), coupon_id)
            self.runtime.refresh_adjustments()
        return report

    def apply_feed(self, entries: list[dict[str, Any]]) -> None:
        """A page of the store's coupon feed, in its order: uses other kiosks made are
        reconciled; uses they reinstated (a return) stop refusing the coupon here."""
        for kind, batch in feed_changes(entries):
            if kind == "used":
                self.reconcile(batch)
            else:
                self.book.forget_remote((coupon_id, sale_id) for coupon_id, sale_id, _ in batch)

    def sync_pull(self, client: Any, token: str) -> int:
        """Sync step (called by :class:`kiosk.sync.service.SyncService`): pull the coupons
        other kiosks of the store consumed and reconcile with them."""
        return self.feed.pull(client, token) if self.feed is not None else 0

    # --- internals -----------------------------------------------------------------------

    def _terms(self, definition_id: str, inline: Any) -> CouponTerms:
        if isinstance(inline, dict):
            return CouponTerms.from_mapping(definition_id, inline)  # signed with the code
        if definition_id not in self.definitions:
            raise CouponNotApplicable(N_("This coupon is not valid in this store."))
        return self.definitions[definition_id]

    def _sync_session(self) -> None:
        """Held coupons belong to one sale; a new sale id means the last one ended."""
        if self.held_sale_id != self.runtime.sale_id:
            self.held, self.held_sale_id = [], self.runtime.sale_id

    def _all_ids(self, uow: Any, sale_id: str) -> list[str]:
        """The coupons ``sale_id`` has uses of, read in ``uow`` (the settle's transaction)."""
        rows = uow.session.execute(
            sa.select(t.uses.c.coupon_id).where(t.uses.c.sale_id == sale_id)
        ).all()
        return [r.coupon_id for r in rows]
