"""Signed, expiring links to a sale's e-receipt page on the back office.

The kiosk signs; the back office checks. The key is the one secret both already share
without new key handling: the SHA-256 of the kiosk's back-office token. The kiosk holds the
token (``[backoffice] token``), the back office stores exactly that hash for the kiosk
(``bo_kiosks.token_hash``, :mod:`kiosk.backoffice.staff.auth`). The hash cannot be used to call
the kiosk API (that needs the token itself), and re-enrolling a kiosk (a new token)
retires every link it printed, as revoking a kiosk should.

Link: ``<base>/r/<sale_id>?k=<kiosk_id>&x=<expiry, unix seconds>&s=<signature>`` where
the signature is HMAC-SHA256 over ``ereceipt:v1:<kiosk_id>:<sale_id>:<expiry>``, 128 bits,
base64url. Expiry is in the link (and signed), so the back office needs no table of links.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, quote, urlencode, urlsplit

DEFAULT_VALID_FOR = timedelta(days=90)  # long enough for a return or an expense claim
PATH = "/r/"


class LinkRefused(ValueError):
    """The link is forged, altered or expired (``reason`` says which, for the log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LinkClaim:
    kiosk_id: str
    sale_id: str
    expires: int  # unix seconds


def key_from_token(token: str) -> str:
    """The signing key for a kiosk token ``<kiosk_id>.<secret>``: the back office's hash."""
    secret = token.partition(".")[2]
    if not secret:
        raise ValueError("the back-office token has no secret part: enrol the kiosk again")
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _signature(key_hex: str, claim: LinkClaim) -> str:
    message = f"ereceipt:v1:{claim.kiosk_id}:{claim.sale_id}:{claim.expires}".encode()
    digest = hmac.new(key_hex.encode("ascii"), message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_link(
    base_url: str,
    key_hex: str,
    kiosk_id: str,
    sale_id: str,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALID_FOR,
) -> str:
    """The e-receipt link for one sale, valid until ``now + valid_for``."""
    claim = LinkClaim(kiosk_id, sale_id, int((now + valid_for).timestamp()))
    query = urlencode({"k": kiosk_id, "x": claim.expires, "s": _signature(key_hex, claim)})
    return f"{base_url.rstrip('/')}{PATH}{quote(sale_id, safe='')}?{query}"


def read_link(url: str) -> tuple[str, str, int, str]:
    """``(kiosk_id, sale_id, expires, signature)`` from a link (for tests and tools)."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    sale_id = parts.path.rsplit("/", 1)[-1]
    return query.get("k", ""), sale_id, int(query.get("x", "0") or 0), query.get("s", "")


def check_link(
    key_hex: str, kiosk_id: str, sale_id: str, expires: int, signature: str, now: datetime
) -> LinkClaim:
    """The claim if the signature is right and the link has not expired; else LinkRefused."""
    claim = LinkClaim(kiosk_id, sale_id, expires)
    if not hmac.compare_digest(_signature(key_hex, claim), signature):
        raise LinkRefused("bad signature")
    if now.timestamp() > expires:
        raise LinkRefused("expired")
    return claim
