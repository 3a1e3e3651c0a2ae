"""The loyalty service one kiosk's UI calls: identify, enrol, points, staff actions.

Get it with :func:`plugins.loyalty.loyalty_for(runtime)`. Identifying a member sets
``runtime.member_id`` (copied onto the sale) and re-prices the basket (member prices).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kiosk.domain.basket import AdjustmentKind, Basket
from kiosk.domain.events import CheckoutState
from kiosk.domain.sale import is_training_document
from kiosk.keys import key_dir
from kiosk.messages import product_name
from kiosk.staff import StaffAccount
from plugins.loyalty import tables as t
from plugins.loyalty.access import audit, authorise
from plugins.loyalty.consent import PURPOSE_VERSION, PurposeNotice, purpose_notice
from plugins.loyalty.crypto import KeyRing
from plugins.loyalty.errors import (
    ConsentRequired,
    NoMemberIdentified,
    NotEnoughPoints,
    UnknownMember,
    loyalty_message,
)
from plugins.loyalty.ledger import PointsLedger
from plugins.loyalty.members import Enrolment, Member, MemberDirectory
from plugins.loyalty.outbox import SALE_EVENT
from plugins.loyalty.points import POINTS_METHOD, Balance, EarnPolicy, points_earned
from plugins.promotions.pricing import STAGE_POINTS, STAGE_PRICE, Offer

POINTS_DISCOUNT_KEY = "loyalty-points"


@dataclass(frozen=True, slots=True)
class MemberView:
    """What the shopper's screen shows: never more than the store allows."""

    member_id: str
    display_name: str | None
    points: int
    next_expiry: tuple[datetime, int] | None = None


@dataclass(frozen=True, slots=True)
class EnrolmentOffer:
    token: str
    notice: PurposeNotice


class LoyaltyService:
    def __init__(self, runtime: Any, settings: dict[str, Any]) -> None:
        self.runtime = runtime
        self.settings = settings
        data_dir = getattr(runtime.config, "data_dir", None)
        self.keys = KeyRing.from_settings(
            settings, key_dir(runtime.config) if data_dir is not None else None, data_dir
        )
        self.directory = MemberDirectory(
            runtime.unit_of_work,
            runtime.reading,
            self.keys,
            runtime.config.kiosk_id,
            runtime.erase_member_data,
        )
        self.policy = EarnPolicy.from_settings(settings)
        self.ledger = PointsLedger(
            runtime.unit_of_work, runtime.reading, self.policy, runtime.config.kiosk_id
        )
        self.show_name = bool(settings.get("show_name", False))
        self.card_prefix = str(settings.get("card_prefix", "MB"))
        self.member_prices = {k: int(v) for k, v in dict(settings.get("member_prices", {})).items()}
        self.purpose_texts = dict(settings.get("purpose", {}))
        self.purpose_version = str(settings.get("purpose_version", PURPOSE_VERSION))
        self.points_discount = 0  # points promised as a discount on the current sale
        self._offers: dict[str, EnrolmentOffer] = {}

    @property
    def now(self) -> datetime:
        return self.runtime.clock()

    # --- identification ------------------------------------------------------------------

    def is_member_code(self, code: str) -> bool:
        return code.startswith("KM1.") or code.startswith(self.card_prefix)

    def identify_code(self, code: str) -> MemberView:
        """A scanned member card or app QR; raises UnknownMember / ForgedMemberCode."""
        if code.startswith("KM1."):
            return self._identified(self.directory.by_qr(code))
        return self._identified(self.directory.by_card(code))

    def identify_by_phone(self, phone: str) -> MemberView:
        """The keypad path: look the member up by the keyed HMAC of the phone number."""
        return self._identified(self.directory.by_phone(phone))

    def current(self) -> MemberView | None:
        member_id = self.runtime.member_id
        return self.view(member_id) if member_id else None

    def view(self, member_id: str) -> MemberView:
        name = None
        if self.show_name:
            name = self.directory.profile(member_id).name or None
        balance = self.balance(member_id)
        return MemberView(member_id, name, balance.points, balance.next_expiry())

    def balance(self, member_id: str) -> Balance:
        return self.ledger.balance(member_id, self.now)

    # --- enrolment -----------------------------------------------------------------------

    def begin_enrolment(self, language: str | None = None) -> EnrolmentOffer:
        """Step 1: the purpose of use to show, in the shopper's language. Take no data yet."""
        notice = purpose_notice(
            language or self.runtime.language,
            self.purpose_texts,
            self.purpose_version,
            with_name=self.show_name,
        )
        offer = EnrolmentOffer(secrets.token_urlsafe(12), notice)
        self._offers[offer.token] = offer
        return offer

    def enrol(self, token: str, agreed: bool, **fields: str) -> Enrolment:
        """Step 2: the shopper agreed (or not) to the notice of ``token``; then the fields.

        The new member is identified for the current sale at once.
        """
        offer = self._offers.pop(token, None)
        if offer is None:
            raise ConsentRequired(
                "show the purpose of use first (begin_enrolment) and enrol with its token"
            )
        unnamed = sorted(k for k, v in fields.items() if v and k not in offer.notice.fields)
        if agreed and unnamed:
            raise ConsentRequired(
                f"the purpose of use shown did not name {', '.join(unnamed)}: "
                "do not take data the shopper was not told about"
            )
        enrolment = self.directory.enrol(offer.notice, agreed, self.now, **fields)
        self.runtime.journal(
            "loyalty_enrolled",
            {
                "member_id": enrolment.member.member_id,
                "consent_version": offer.notice.version,
                "language": offer.notice.language,
                "text_sha256": offer.notice.sha256,
                "fields": sorted(k for k, v in fields.items() if v),
            },
        )
        self._identified(enrolment.member.member_id)
        return enrolment

    # --- points --------------------------------------------------------------------------

    def use_points_as_discount(self, points: int) -> int:
        """Take ``points`` off the price (a discount: it lowers the taxable amount)."""
        member_id = self.runtime.member_id
        if member_id is None:
            raise NoMemberIdentified("scan a member card or enter a phone number first")
        if self.runtime.state is CheckoutState.PAYING:
            raise NotEnoughPoints("cancel the payment screen before changing the points to use")
        available = self.balance(member_id).points
        if points < 0 or points > available:
            raise NotEnoughPoints(f"only {available} points can be used")
        self.points_discount = points
        self.runtime.refresh_adjustments()
        return points

    def offers(self, basket: Basket, member_id: str | None) -> list[Offer]:
        if member_id is None:
            return []
        out = []
        for line in basket.active_lines:
            price = self.member_prices.get(line.product.sku)
            if (
                price is not None
                and line.weight_g is None
                and line.unit_price == line.product.price
                and price < line.unit_price
            ):
                out.append(
                    Offer(
                        key=f"member-price-{line.line_id}",
                        kind=AdjustmentKind.MEMBER_PRICE,
                        message=loyalty_message(
                            "Member price {name}", name=product_name(line.product)
                        ),
                        stage=STAGE_PRICE,
                        amount_off=(line.unit_price - price) * line.quantity,
                        line_ids=(line.line_id,),
                        source="loyalty",
                    )
                )
        if self.points_discount:
            out.append(
                Offer(
                    key=POINTS_DISCOUNT_KEY,
                    kind=AdjustmentKind.DISCOUNT,
                    message=loyalty_message(
                        "Points discount {points} pt", points=self.points_discount
                    ),
                    stage=STAGE_POINTS,
                    amount_off=self.points_discount,
                    source="loyalty",
                )
            )
        return out

    def record_sale(self, document: dict[str, Any]) -> dict[str, Any] | None:
        """Book a committed sale's points (earned, redeemed) once; outbox it for the back office."""
        member_id = document.get("member_id")
        if not member_id or is_training_document(document):
            return None  # no member, or a practice sale: nothing to book
        at = datetime.fromisoformat(document["completed_at"])
        earning = points_earned(document, self.policy)
        used_discount = -sum(
            a["amount"] for a in document["adjustments"] if a["key"] == POINTS_DISCOUNT_KEY
        )
        used_tender = sum(
            t_["amount"] for t_ in document["tenders"] if t_["method"] == POINTS_METHOD
        )
        detail = {
            "sale_id": document["sale_id"],
            "member_id": member_id,
            "earned": earning.total,
            "base_yen": earning.base_yen,
            "multiplier": earning.multiplier,
            "bonus_points": earning.bonus_points,
            "campaigns": list(earning.campaigns),
            "redeemed_tender": used_tender,
            "redeemed_discount": used_discount,
        }
        # the points, the member's sale row, the outbox event and the journal row: one
        # transaction, so a crash leaves all of them or none (recover() books it again)
        with self.runtime.unit_of_work() as uow:
            session = uow.session
            booked = sa.select(t.sales.c.sale_id).where(t.sales.c.sale_id == document["sale_id"])
            if session.execute(booked).first():
                return None  # already booked (a replay after a crash)
            if not self._active(session, member_id):
                return None  # erased meanwhile: nothing to earn
            if earning.total:
                self.ledger.add(
                    uow,
                    member_id,
                    "earn",
                    earning.total,
                    at,
                    sale_id=document["sale_id"],
                    expires=True,
                )
            if used_discount:
                self.ledger.add(
                    uow,
                    member_id,
                    "redeem_discount",
                    -used_discount,
                    at,
                    sale_id=document["sale_id"],
                )
            session.execute(
                t.sales.insert().values(
                    sale_id=document["sale_id"],
                    member_id=member_id,
                    earned=earning.total,
                    redeemed_tender=used_tender,
                    redeemed_discount=used_discount,
                    detail=detail,
                    processed_at=at,
                )
            )
            uow.send_event(
                SALE_EVENT,
                detail,
                idempotency_key=document["sale_id"],
                aggregate_id=document["sale_id"],
                at=at,
            )
            uow.journal("loyalty_sale", detail, at=at)
        return detail

    def training_points(self, document: dict[str, Any]) -> int:
        """The points a training (練習) sale would earn were it real: shown to the shopper,
        marked as practice, but never booked, outboxed or synced."""
        return points_earned(document, self.policy).total

    def recover(self, limit: int = 200) -> int:
        """Book sales that committed but whose points were never booked (a crash in between)."""
        members = [d for d in self.runtime.recent_sales(limit) if d.get("member_id")]
        if not members:
            return 0
        with self.runtime.unit_of_work() as uow:  # which are booked: one query, not one a sale
            ids = [str(d["sale_id"]) for d in members]
            known = set(
                uow.session.scalars(sa.select(t.sales.c.sale_id).where(t.sales.c.sale_id.in_(ids)))
            )
        return sum(
            self.record_sale(d) is not None for d in members if str(d["sale_id"]) not in known
        )

    def sale_record(self, sale_id: str) -> dict[str, Any] | None:
        with self.runtime.reading() as read:
            query = sa.select(t.sales).where(t.sales.c.sale_id == sale_id)
            row = read.session.execute(query).first()
        return dict(row._mapping) if row else None

    def end_session(self) -> None:
        self.points_discount = 0

    # --- staff actions (role-checked, audited) -------------------------------------------

    def member_details(self, member_id: str, staff: StaffAccount) -> Member:
        authorise(staff, "view_personal_data")
        with self.runtime.unit_of_work() as uow:
            audit(uow, staff, "view_personal_data", member_id, self.now)
        return self.directory.profile(member_id)

    def delete_member(self, member_id: str, staff: StaffAccount) -> None:
        """APPI erasure: personal data and links go; sales stay (pseudonymous, anonymised)."""
        authorise(staff, "delete_member")
        now = self.now
        self.directory.erase(
            member_id, now, audit=lambda uow: audit(uow, staff, "delete_member", member_id, now)
        )
        if self.runtime.member_id == member_id:
            self.runtime.member_id = None

    def reverse_sale(self, sale_id: str, staff: StaffAccount) -> int:
        """A refunded sale: take back the points it earned, give back those it used as a
        discount (a points *tender* is given back by refunding that payment). Returns the
        net change of the balance."""
        authorise(staff, "reverse_sale_points")
        with self.runtime.unit_of_work() as uow:
            session = uow.session
            row = session.execute(sa.select(t.sales).where(t.sales.c.sale_id == sale_id)).first()
            if row is None or row.member_id is None or row.reversed_at is not None:
                raise UnknownMember(f"sale {sale_id} has no member points to reverse")
            now = self.now
            if row.earned:
                self.ledger.add(
                    uow, row.member_id, "reverse_earn", -row.earned, now, sale_id=sale_id
                )
            if row.redeemed_discount:
                self.ledger.add(
                    uow,
                    row.member_id,
                    "restore",
                    row.redeemed_discount,
                    now,
                    sale_id=sale_id,
                    expires=True,
                )
            session.execute(
                t.sales.update().where(t.sales.c.sale_id == sale_id).values(reversed_at=now)
            )
            audit(uow, staff, "reverse_sale_points", row.member_id, now)  # with the reversal
        return row.redeemed_discount - row.earned

    # --- internals -----------------------------------------------------------------------

    def _identified(self, member_id: str) -> MemberView:
        self.runtime.member_id = member_id
        self.runtime.refresh_adjustments()
        return self.view(member_id)

    @staticmethod
    def _active(session, member_id: str) -> bool:
        query = sa.select(t.members.c.member_id).where(
            t.members.c.member_id == member_id, t.members.c.status == "active"
        )
        return session.execute(query).first() is not None
