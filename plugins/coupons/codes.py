"""Signed QR coupons: ``KC1H.<payload>.<sig>`` (HMAC-SHA256) or ``KC1E.…`` (Ed25519).

The payload is base64url JSON: ``{"cid": definition id, "sn": serial (the coupon's own id),
"exp": optional ISO date, "m": optional member id it is bound to, "t": optional terms}``.
With Ed25519 only the back office holds the private key and kiosks verify with the public
key, so a stolen kiosk cannot mint coupons; HMAC is simpler but every kiosk holds the secret.
Anything that does not verify is a :class:`ForgedCoupon`, never a product code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk.messages import N_
from plugins.coupons.errors import ForgedCoupon

HMAC_PREFIX = "KC1H."
ED25519_PREFIX = "KC1E."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_coupon_qr(code: str) -> bool:
    return code.startswith((HMAC_PREFIX, ED25519_PREFIX))


def sign_hmac(payload: dict[str, Any], secret: bytes) -> str:
    body = _b64(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    tag = hmac.new(secret, (HMAC_PREFIX + body).encode(), hashlib.sha256).digest()
    return f"{HMAC_PREFIX}{body}.{_b64(tag)}"


def sign_ed25519(payload: dict[str, Any], private_key: Ed25519PrivateKey) -> str:
    body = _b64(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())
    return f"{ED25519_PREFIX}{body}.{_b64(private_key.sign((ED25519_PREFIX + body).encode()))}"


@dataclass(frozen=True, slots=True)
class Verifier:
    hmac_secret: bytes | None = None
    public_key: Ed25519PublicKey | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Verifier:
        secret = settings.get("hmac_key")
        public = settings.get("ed25519_public_key")
        return cls(
            hmac_secret=base64.b64decode(secret) if secret else None,
            public_key=Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
            if public
            else None,
        )

    def verify(self, code: str) -> dict[str, Any]:
        """The payload of a genuine coupon; :class:`ForgedCoupon` for anything else."""
        prefix = code[:5]
        body, _, sig = code[5:].partition(".")
        try:
            signature = _unb64(sig)
            ok = False
            if prefix == HMAC_PREFIX and self.hmac_secret:
                expected = hmac.new(self.hmac_secret, (prefix + body).encode(), hashlib.sha256)
                ok = hmac.compare_digest(expected.digest(), signature)
            elif prefix == ED25519_PREFIX and self.public_key:
                try:
                    self.public_key.verify(signature, (prefix + body).encode())
                    ok = True
                except InvalidSignature:
                    ok = False
            payload = json.loads(_unb64(body)) if ok else None
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict) or "cid" not in payload or "sn" not in payload:
            raise ForgedCoupon(
                N_("This coupon is not genuine or is damaged. Please ask a member of staff.")
            )
        return payload
