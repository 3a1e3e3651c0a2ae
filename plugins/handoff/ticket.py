"""The hand-off ticket (受け渡し票): a staff-registered basket, compact and signed.

``KH1H.<body>.<sig>`` is signed with HMAC-SHA256 and a store key every till holds;
``KH1E.<body>.<sig>`` with Ed25519, where only staff stations hold the private key and
payment kiosks verify with the public key. ``body`` is base64url of zlib-compressed JSON::

    {"v": 1, "h": hand-off id, "s": station, "u": staff id, "t": created, "x": expires,
     "T": total, "L": [[sku, qty, unit price, weight g or 0, age approved by or ""], ...]}

Times are epoch seconds. Voided lines are left out (the station's journal keeps them). The
whole code is bounded by :data:`MAX_CODE_CHARS` so it prints as a QR code a kiosk scanner
reads from 80 mm paper; a larger basket raises :class:`TicketTooLarge`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.domain.basket import Basket, BasketLine
from plugins.handoff.errors import ForgedTicket, HandOffKeyMissing, TicketExpired, TicketTooLarge

if TYPE_CHECKING:
    from kiosk.runtime.sale_view import LineSnapshot

HMAC_PREFIX = "KH1H."
ED25519_PREFIX = "KH1E."
MAX_CODE_CHARS = 1000  # QR version ≤ 25 at error correction M (checked in the tests)
MAX_JSON_BYTES = 64 * 1024  # a zip bomb in a forged code stops here
DEFAULT_TTL = timedelta(minutes=15)


def is_handoff_code(code: str) -> bool:
    return code.startswith((HMAC_PREFIX, ED25519_PREFIX))


def new_handoff_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class TicketLine:
    sku: str
    quantity: int
    unit_price: int
    weight_g: int | None = None
    age_approved_by: str | None = None


@dataclass(frozen=True, slots=True)
class HandOffTicket:
    handoff_id: str
    station_id: str
    staff_id: str
    created_at: datetime
    expires_at: datetime
    total: int
    lines: tuple[TicketLine, ...]

    @classmethod
    def from_basket(
        cls,
        basket: Basket,
        *,
        station_id: str,
        staff_id: str,
        total: int,
        now: datetime,
        ttl: timedelta = DEFAULT_TTL,
        handoff_id: str | None = None,
    ) -> HandOffTicket:
        return cls.from_lines(
            basket.active_lines,
            station_id=station_id,
            staff_id=staff_id,
            total=total,
            now=now,
            ttl=ttl,
            handoff_id=handoff_id,
        )

    @classmethod
    def from_lines(
        cls,
        active_lines: Iterable[BasketLine | LineSnapshot],
        *,
        station_id: str,
        staff_id: str,
        total: int,
        now: datetime,
        ttl: timedelta = DEFAULT_TTL,
        handoff_id: str | None = None,
    ) -> HandOffTicket:
        """The ticket for these (not voided) lines, e.g. a :class:`SaleView`'s."""
        lines = tuple(
            TicketLine(
                line.product.sku,
                line.quantity,
                line.unit_price,
                line.weight_g,
                line.age_approved_by,
            )
            for line in active_lines
        )
        now = now.replace(microsecond=0)
        return cls(
            handoff_id or new_handoff_id(), station_id, staff_id, now, now + ttl, total, lines
        )

    @property
    def item_count(self) -> int:
        return sum(1 if line.weight_g else line.quantity for line in self.lines)

    def to_payload(self) -> dict[str, Any]:
        return {
            "v": 1,
            "h": self.handoff_id,
            "s": self.station_id,
            "u": self.staff_id,
            "t": int(self.created_at.timestamp()),
            "x": int(self.expires_at.timestamp()),
            "T": self.total,
            "L": [
                [li.sku, li.quantity, li.unit_price, li.weight_g or 0, li.age_approved_by or ""]
                for li in self.lines
            ],
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> HandOffTicket:
        try:
            if data["v"] != 1:
                raise ForgedTicket(f"hand-off ticket version {data['v']!r} is not supported")
            lines = tuple(
                TicketLine(str(s), int(q), int(p), int(w) or None, str(a) or None)
                for s, q, p, w, a in data["L"]
            )
            return cls(
                str(data["h"]),
                str(data["s"]),
                str(data["u"]),
                datetime.fromtimestamp(int(data["t"])),
                datetime.fromtimestamp(int(data["x"])),
                int(data["T"]),
                lines,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ForgedTicket(f"hand-off ticket is malformed ({exc})") from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class TicketKeys:
    """The store key(s): an HMAC secret, or an Ed25519 private (station) / public (kiosk) key."""

    hmac_secret: bytes | None = None
    private_key: Ed25519PrivateKey | None = None
    public_key: Ed25519PublicKey | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> TicketKeys:
        """``hmac_key``, ``ed25519_private_key``, ``ed25519_public_key``: base64 strings."""
        secret, private, public = (
            settings.get(k) for k in ("hmac_key", "ed25519_private_key", "ed25519_public_key")
        )
        priv = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private)) if private else None
        if public:
            pub: Ed25519PublicKey | None = Ed25519PublicKey.from_public_bytes(
                base64.b64decode(public)
            )
        else:
            pub = priv.public_key() if priv else None
        return cls(base64.b64decode(secret) if secret else None, priv, pub)

    @property
    def configured(self) -> bool:
        return bool(self.hmac_secret or self.private_key or self.public_key)

    def sign(self, ticket: HandOffTicket) -> str:
        """The printable code for ``ticket``; :class:`TicketTooLarge` if it would not fit a QR."""
        raw = json.dumps(ticket.to_payload(), separators=(",", ":"), ensure_ascii=False)
        body = _b64(zlib.compress(raw.encode("utf-8"), 9))
        if self.private_key is not None:
            signed = ED25519_PREFIX + body
            code = f"{signed}.{_b64(self.private_key.sign(signed.encode()))}"
        elif self.hmac_secret:
            signed = HMAC_PREFIX + body
            tag = hmac.new(self.hmac_secret, signed.encode(), hashlib.sha256).digest()
            code = f"{signed}.{_b64(tag)}"
        else:
            raise HandOffKeyMissing("no store key to sign hand-off tickets with")
        if len(code) > MAX_CODE_CHARS:
            raise TicketTooLarge(
                f"{len(ticket.lines)} lines make a {len(code)}-character code "
                f"(limit {MAX_CODE_CHARS}); split the basket or use the store server"
            )
        return code

    def verify(self, code: str, now: datetime) -> HandOffTicket:
        """The ticket in a genuine, unexpired code; raises :class:`ForgedTicket`/:class:`TicketExpired`."""
        if len(code) > MAX_CODE_CHARS + 16:
            raise ForgedTicket("hand-off code is longer than any genuine one")
        prefix = code[:5]
        body, _, sig = code[5:].rpartition(".")
        try:
            signature = _unb64(sig)
        except ValueError:
            raise ForgedTicket("hand-off signature is not base64") from None
        if prefix == HMAC_PREFIX and self.hmac_secret:
            expected = hmac.new(self.hmac_secret, (prefix + body).encode(), hashlib.sha256).digest()
            ok = hmac.compare_digest(expected, signature)
        elif prefix == ED25519_PREFIX and self.public_key is not None:
            try:
                self.public_key.verify(signature, (prefix + body).encode())
                ok = True
            except InvalidSignature:
                ok = False
        elif not self.configured:
            raise HandOffKeyMissing("no store key to verify hand-off tickets with")
        else:
            ok = False
        if not ok:
            raise ForgedTicket("hand-off code does not verify with the store key")
        try:
            inflater = zlib.decompressobj()
            raw = inflater.decompress(_unb64(body), MAX_JSON_BYTES)
            if inflater.unconsumed_tail:
                raise ValueError("body inflates beyond any genuine ticket")
            data = json.loads(raw)
        except (ValueError, zlib.error) as exc:
            raise ForgedTicket(f"hand-off body is unreadable ({exc})") from None
        ticket = HandOffTicket.from_payload(data)
        if now > ticket.expires_at:
            raise TicketExpired(
                f"hand-off {ticket.handoff_id} expired at {ticket.expires_at:%H:%M}; "
                "ask staff to register the basket again"
            )
        return ticket
