"""Personal data at rest: AES-256-GCM with a key from a key file.

The buyer's passport data is the only personal data the plugin stores; it is encrypted as
one JSON blob per record, with the record id as associated data so a blob cannot be moved to
another record. Same-day totals per buyer need a lookup key that is not the passport number:
:meth:`PersonalDataCipher.buyer_key` is an HMAC under a key derived from the same secret.

The key file holds 32 random bytes, raw or base64. Keep it off the data disk in production
(a separate volume, a TPM-sealed file); the default creates one next to the database so a
demo kiosk works, and logs a warning.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.keys import write_new_key
from plugins.tax_free.errors import KeyFileError

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = "v1"


def load_key(path: Path, create: bool = False) -> bytes:
    """The 32-byte key in ``path``; with ``create``, make one (mode 0600) if it is missing."""
    if not path.exists():
        if not create:
            raise KeyFileError(
                f"{path} does not exist: create it with 32 random bytes "
                "(e.g. `head -c 32 /dev/urandom > tax_free.key; chmod 600 tax_free.key`)"
            )
        key = os.urandom(KEY_BYTES)
        write_new_key(path, key)
        log.warning("created a new tax-free personal-data key at %s; back it up safely", path)
        return key
    raw = path.read_bytes()
    if len(raw) == KEY_BYTES:
        return raw
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path} must hold 32 random bytes, raw or base64; it does not")
    return key


class PersonalDataCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyFileError("the personal-data key must be 32 bytes")
        self._aead = AESGCM(key)
        self._index_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"kiosk tax-free buyer index"
        ).derive(key)

    def encrypt(self, data: dict[str, Any], record_id: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        sealed = self._aead.encrypt(nonce, plain, record_id.encode())
        return f"{VERSION}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, blob: str, record_id: str) -> dict[str, Any]:
        version, _, body = blob.partition(":")
        if version != VERSION:
            raise KeyFileError(f"personal data in unknown format {version!r}")
        raw = base64.b64decode(body)
        try:
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], record_id.encode())
        except InvalidTag:
            raise KeyFileError(
                f"record {record_id}: personal data does not decrypt with this key "
                "(wrong key file, or the data was altered)"
            ) from None
        return json.loads(plain)

    def key_id(self) -> str:
        """A short fingerprint of the index key: buyer keys only match under the same one."""
        return hmac.new(self._index_key, b"key id", hashlib.sha256).hexdigest()[:16]

    def buyer_key(self, nationality: str, passport_number: str) -> str:
        message = f"{nationality}|{passport_number}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()
