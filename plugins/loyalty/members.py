"""Members (会員): enrolment with recorded consent, look-up by card, QR or phone, erasure.

Only three personal fields exist, all optional: name, phone, e-mail (data minimisation).
They are stored as one AES-GCM blob; the phone and the card number are also kept as keyed
HMAC digests so a keypad or a card can find the member without any plaintext on disk.
A member id (``M`` + 12 hex) is a pseudonym: sales carry it, never a name or a number.
Enrolments, card links and erasures go to the outbox, sealed, for the store's other kiosks.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from plugins.loyalty import tables as t
from plugins.loyalty.consent import PurposeNotice
from plugins.loyalty.crypto import KeyRing, normalize_phone
from plugins.loyalty.errors import ConsentRequired, ForgedMemberCode, UnknownMember
from plugins.loyalty.outbox import DELETE, MEMBER_EVENT, member_payload, scrub_member

if TYPE_CHECKING:
    from kiosk.runtime.unit_of_work import OpensReading, OpensUnitOfWork, UnitOfWork

#: ``runtime.erase_member_data``: the other plugins' rows of a member, erased in our unit of
#: work (``kiosk_member_erasers``); rows changed by plugin
EraseElsewhere = Callable[["UnitOfWork", str, datetime], dict[str, int]]

MEMBER_QR_PREFIX = "KM1."


@dataclass(frozen=True, slots=True)
class Member:
    member_id: str
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Enrolment:
    member: Member
    qr_payload: str  # show it as a QR code now (segno); it works at once

    def qr_svg(self, scale: int = 4) -> str:
        import io

        import segno

        out = io.BytesIO()
        segno.make(self.qr_payload, error="m").save(out, kind="svg", scale=scale)
        return out.getvalue().decode()


class MemberDirectory:
    """The members in the local store, changed through the runtime's units of work
    (``unit_of_work``: ``runtime.unit_of_work``) — a change and its outbox event commit
    together — and looked up on snapshots (``reading``: ``runtime.reading``). An erasure
    takes the member's rows in other plugins with it (``erase_elsewhere``:
    ``runtime.erase_member_data``)."""

    def __init__(
        self,
        unit_of_work: OpensUnitOfWork,
        reading: OpensReading,
        keys: KeyRing,
        kiosk_id: str,
        erase_elsewhere: EraseElsewhere,
    ) -> None:
        self.unit_of_work = unit_of_work
        self.reading = reading
        self.keys = keys
        self.kiosk_id = kiosk_id
        self.erase_elsewhere = erase_elsewhere

    # --- enrolment -----------------------------------------------------------------------

    def enrol(
        self,
        notice: PurposeNotice,
        agreed: bool,
        at: datetime,
        *,
        name: str = "",
        phone: str = "",
        email: str = "",
        card_number: str = "",
    ) -> Enrolment:
        """Create a member after the shopper agreed to ``notice``; nothing is kept otherwise."""
        if not agreed:
            raise ConsentRequired(
                "the shopper did not agree to the purpose of use: do not take any details; "
                "offer to shop without membership"
            )
        if phone and len(normalize_phone(phone)) < 10:
            raise ValueError("a phone number has 10 or 11 digits; ask the shopper to check it")
        member_id = "M" + secrets.token_hex(6).upper()
        record = {k: v.strip() for k, v in (("name", name), ("phone", phone), ("email", email))}
        with self.unit_of_work() as uow:
            session = uow.session
            if phone and self._find(session, t.members.c.phone_index, self.keys.phone_index(phone)):
                raise ConsentRequired(
                    "this phone number already belongs to a member: look the member up by "
                    "phone instead of enrolling again"
                )
            session.execute(
                t.members.insert().values(
                    member_id=member_id,
                    card_index=self.keys.card_index(card_number) if card_number else None,
                    phone_index=self.keys.phone_index(phone) if phone else None,
                    personal=self.keys.seal(record, member_id),
                    status="active",
                    kiosk_id=self.kiosk_id,
                    created_at=at,
                )
            )
            session.execute(
                t.consents.insert().values(
                    member_id=member_id,
                    version=notice.version,
                    language=notice.language,
                    text_sha256=notice.sha256,
                    agreed_at=at,
                    kiosk_id=self.kiosk_id,
                )
            )
            self._emit(uow, member_id, at)
        return Enrolment(Member(member_id, **record), self.member_qr(member_id))

    def member_qr(self, member_id: str) -> str:
        return f"{MEMBER_QR_PREFIX}{member_id}.{self.keys.member_tag(member_id)}"

    def link_card(self, member_id: str, card_number: str, at: datetime) -> None:
        with self.unit_of_work() as uow:
            session = uow.session
            session.execute(
                t.members.update()
                .where(t.members.c.member_id == member_id)
                .values(card_index=self.keys.card_index(card_number))
            )
            self._emit(uow, member_id, at)

    # --- look-up -------------------------------------------------------------------------

    def by_card(self, card_number: str) -> str:
        return self._lookup(t.members.c.card_index, self.keys.card_index(card_number), "card")

    def by_phone(self, phone: str) -> str:
        return self._lookup(t.members.c.phone_index, self.keys.phone_index(phone), "phone number")

    def by_qr(self, payload: str) -> str:
        body = payload[len(MEMBER_QR_PREFIX) :]
        member_id, _, tag = body.partition(".")
        if not self.keys.verify_member_tag(member_id, tag):
            raise ForgedMemberCode(
                "this member code is not valid here: ask the shopper to reopen the app, "
                "or look the member up by phone"
            )
        return self._lookup(t.members.c.member_id, member_id, "member code")

    def exists(self, member_id: str) -> bool:
        with self.reading() as read:
            session = read.session
            return self._find(session, t.members.c.member_id, member_id) is not None

    def profile(self, member_id: str) -> Member:
        with self.reading() as read:
            session = read.session
            row = self._find(session, t.members.c.member_id, member_id)
        if row is None or row.personal is None:
            raise UnknownMember(f"no active member {member_id}")
        return Member(member_id, **self.keys.open(row.personal, member_id))

    def consent_records(self, member_id: str) -> list[dict]:
        with self.reading() as read:
            session = read.session
            rows = session.execute(
                sa.select(t.consents).where(t.consents.c.member_id == member_id)
            ).all()
        return [dict(row._mapping) for row in rows]

    # --- erasure (APPI 利用停止・消去請求) ---------------------------------------------------

    def erase(
        self,
        member_id: str,
        at: datetime,
        *,
        propagate: bool = True,
        audit: Callable[[UnitOfWork], None] | None = None,
    ) -> dict[str, int]:
        """Remove every piece of personal data and the links to it; sales stay, anonymised.

        The member row keeps only its pseudonymous id and ``deleted`` status (so the id is
        never reissued); points and per-sale member links go, and so do the member's rows in
        other plugins (attached coupons, coupon uses' member links: ``erase_elsewhere``), in
        the same transaction — all or, if one part fails, nothing. Committed sales keep the
        pseudonymous id, which no longer leads to a person. The sealed data leaves the
        outbox too; ``propagate`` (a request made here, not one received from another kiosk)
        sends the tombstone to the back office and the store's kiosks. The journal gets
        ``loyalty_member_erasure`` (the rows each other plugin changed) and, in the same
        transaction, whatever ``audit`` writes (the staff member who asked). Returns the
        rows changed by plugin.
        """
        with self.unit_of_work() as uow:
            session = uow.session
            if self._find(session, t.members.c.member_id, member_id) is None:
                raise UnknownMember(f"no active member {member_id} to delete")
            session.execute(
                t.members.update()
                .where(t.members.c.member_id == member_id)
                .values(
                    personal=None,
                    card_index=None,
                    phone_index=None,
                    status="deleted",
                    deleted_at=at,
                )
            )
            session.execute(t.points.delete().where(t.points.c.member_id == member_id))
            session.execute(
                t.sales.update().where(t.sales.c.member_id == member_id).values(member_id=None)
            )
            session.execute(
                t.consents.update()
                .where(t.consents.c.member_id == member_id, t.consents.c.withdrawn_at.is_(None))
                .values(withdrawn_at=at)
            )
            elsewhere = self.erase_elsewhere(uow, member_id, at)
            scrub_member(uow, member_id)
            uow.journal("loyalty_member_erasure", {"member_id": member_id, "erased": elsewhere})
            if audit is not None:
                audit(uow)
            if propagate:
                tombstone = {"op": DELETE, "member_id": member_id, "deleted_at": at.isoformat()}
                uow.send_event(MEMBER_EVENT, tombstone, aggregate_id=member_id, at=at)
        return elsewhere

    # --- internals -----------------------------------------------------------------------

    def _emit(self, uow: UnitOfWork, member_id: str, at: datetime) -> None:
        session = uow.session
        row = self._find(session, t.members.c.member_id, member_id)
        if row is None:
            return  # erased meanwhile: nothing of the member may travel
        consent = session.execute(
            sa.select(t.consents)
            .where(t.consents.c.member_id == member_id)
            .order_by(t.consents.c.id)
        ).first()
        payload = member_payload(row, consent, self.kiosk_id)
        uow.send_event(MEMBER_EVENT, payload, aggregate_id=member_id, at=at)

    def _lookup(self, column, value: str, what: str) -> str:
        with self.reading() as read:
            session = read.session
            row = self._find(session, column, value)
        if row is None:
            raise UnknownMember(
                f"no member with this {what}: check it, or enrol at the kiosk (会員登録)"
            )
        return row.member_id

    @staticmethod
    def _find(session, column, value):
        query = sa.select(t.members).where(column == value, t.members.c.status == "active")
        return session.execute(query).first()
