"""Keys for personal data: AES-GCM at rest, keyed HMAC indexes for look-ups.

One 32-byte master key comes from the plugin configuration (``key``, base64) or from a key
file (``key_file``) that lives *outside* the database, so a copied ``kiosk.sqlite3`` holds
only ciphertext and HMAC digests. Separate sub-keys are derived with HKDF for each use, so
the phone index cannot be turned into a decryption key and vice versa. Every kiosk of a
store must share the master key for look-ups to agree and to open members enrolled at the
others; the back office never gets it (it relays the sealed blobs it cannot open).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.keys import key_file, write_new_key
from plugins.loyalty.errors import KeyUnavailable

KEY_BYTES = 32
NONCE_BYTES = 12


def _subkey(master: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"kiosk-loyalty/{purpose}".encode()
    ).derive(master)


def normalize_phone(text: str) -> str:
    """Digits only, full-width folded, +81 turned into the domestic leading 0."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit())
    if text.strip().startswith("+81") or (digits.startswith("81") and len(digits) == 12):
        digits = "0" + digits[2:]
    return digits


class KeyRing:
    """Encrypts personal records and makes look-up indexes; never stores the key itself."""

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != KEY_BYTES:
            raise KeyUnavailable(
                f"the loyalty key must be {KEY_BYTES} bytes (base64 in [plugins.loyalty] key "
                f"or a key file); got {len(master_key)}"
            )
        self._aead = AESGCM(_subkey(master_key, "personal"))
        self._phone = _subkey(master_key, "phone-index")
        self._card = _subkey(master_key, "card-index")
        self._qr = _subkey(master_key, "member-qr")

    @classmethod
    def generate(cls) -> KeyRing:
        return cls(AESGCM.generate_key(bit_length=256))

    @classmethod
    def from_settings(
        cls, settings: dict[str, Any], key_dir: Path | None, legacy_dir: Path | None = None
    ) -> KeyRing:
        """``key`` (base64) wins; else ``key_file``; else ``<key_dir>/loyalty.key``.

        The key directory is outside the data directory (:mod:`kiosk.keys`); a key an older
        version kept in the data directory (``legacy_dir``) is moved there, never replaced.
        A missing key file is created (mode 0600) unless ``create_key = false``; stores put
        it on a different volume or a root-owned path with ``key_dir`` or ``key_file``.
        """
        if settings.get("key"):
            try:
                return cls(base64.b64decode(settings["key"], validate=True))
            except ValueError as exc:
                raise KeyUnavailable(f"[plugins.loyalty] key is not valid base64: {exc}") from None
        if settings.get("key_file"):
            path = Path(settings["key_file"])
        else:
            path = key_file(key_dir or Path("."), "loyalty", legacy_dir=legacy_dir)
        if not path.exists():
            if not settings.get("create_key", True):
                raise KeyUnavailable(
                    f"loyalty key file {path} is missing: restore it from the store's backup "
                    "(members cannot be read without it)"
                )
            write_new_key(path, base64.b64encode(AESGCM.generate_key(bit_length=256)))
        try:
            return cls(base64.b64decode(path.read_bytes().strip(), validate=True))
        except ValueError as exc:
            raise KeyUnavailable(f"loyalty key file {path} is not valid base64: {exc}") from None

    # --- personal data -------------------------------------------------------------------

    def seal(self, record: dict[str, Any], member_id: str) -> bytes:
        """Encrypt ``record``; the member id is bound as associated data (no row swapping)."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
        return nonce + self._aead.encrypt(nonce, plain, member_id.encode())

    def open(self, blob: bytes, member_id: str) -> dict[str, Any]:
        try:
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], member_id.encode())
        except InvalidTag:
            raise KeyUnavailable(
                f"member {member_id}: personal data does not decrypt with this key "
                "(wrong key file, or the row was tampered with)"
            ) from None
        return json.loads(plain)

    # --- look-up indexes and member codes ------------------------------------------------

    def phone_index(self, phone: str) -> str:
        return hmac.new(self._phone, normalize_phone(phone).encode(), hashlib.sha256).hexdigest()

    def card_index(self, card_number: str) -> str:
        return hmac.new(self._card, card_number.strip().encode(), hashlib.sha256).hexdigest()

    def member_tag(self, member_id: str) -> str:
        digest = hmac.new(self._qr, member_id.encode(), hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def verify_member_tag(self, member_id: str, tag: str) -> bool:
        return hmac.compare_digest(self.member_tag(member_id), tag)
