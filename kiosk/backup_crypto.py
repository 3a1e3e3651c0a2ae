"""Encrypted backup files: AES-256-GCM in 1 MiB chunks, truncation and reordering detected.

A backup holds every sale, staff hash and token hash; it travels (off-site copies, USB
sticks), so it is written encrypted under a *backup key* kept with the other keys, never
beside the backups. Format (``KIOSKBK1``)::

    magic "KIOSKBK1" | salt (16 random bytes) | records…
    record = length (4 bytes, big-endian) | AES-GCM(chunk)

Each file gets its own subkey, HKDF-SHA256(backup key, salt); chunk ``i`` is sealed with the
nonce ``i`` (11 bytes) + a final-chunk flag (1 byte) and the header as associated data (the
STREAM construction), so a cut-off, spliced or reordered file fails to open rather than
restoring part of a database. The key file holds 32 random bytes, raw or base64.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.keys import write_new_key
from kiosk.private_files import create_private

MAGIC = b"KIOSKBK1"
SALT_BYTES = 16
KEY_BYTES = 32
CHUNK = 1 << 20


def default_key_path() -> Path:
    """``$KIOSK_BACKUP_KEY_FILE``, else ``backup.key`` in ``$KIOSK_KEY_DIR`` or /etc/kiosk/keys."""
    explicit = os.environ.get("KIOSK_BACKUP_KEY_FILE")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("KIOSK_KEY_DIR") or "/etc/kiosk/keys") / "backup.key"


class BackupKeyError(ValueError):
    """The backup key is missing, malformed or not the one this backup was written with."""


def load_backup_key(path: Path, *, create: bool = False) -> bytes:
    """The 32-byte key in ``path``; with ``create``, make one (0600) if it is missing."""
    if not path.exists():
        if not create:
            raise BackupKeyError(
                f"backup key {path} does not exist: restore it from where you keep a copy "
                "(a backup cannot be opened without the key it was written with)"
            )
        write_new_key(path, os.urandom(KEY_BYTES))
        return path.read_bytes()
    raw = path.read_bytes()
    if len(raw) == KEY_BYTES:
        return raw
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except binascii.Error:
        key = b""
    if len(key) != KEY_BYTES:
        raise BackupKeyError(f"backup key {path} must hold 32 random bytes, raw or base64")
    return key


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _aead(key: bytes, salt: bytes) -> AESGCM:
    if len(key) != KEY_BYTES:
        raise BackupKeyError("the backup key must be 32 bytes")
    subkey = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"kiosk backup v1")
    return AESGCM(subkey.derive(key))


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _chunks(handle: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """``(chunk, is_last)``; an empty input is one empty last chunk."""
    current = handle.read(CHUNK)
    while True:
        following = handle.read(CHUNK) if len(current) == CHUNK else b""
        yield current, not following
        if not following:
            return
        current = following


def encrypt_file(plain: Path, target: Path, key: bytes) -> None:
    """Write ``plain`` encrypted to ``target`` (0600, replaced whole: never half-written)."""
    salt = os.urandom(SALT_BYTES)
    header = MAGIC + salt
    aead = _aead(key, salt)
    partial = target.with_name(target.name + ".partial")
    with open(plain, "rb") as source, os.fdopen(create_private(partial), "wb") as out:
        out.write(header)
        for index, (chunk, last) in enumerate(_chunks(source)):
            sealed = aead.encrypt(_nonce(index, last), chunk, header)
            out.write(len(sealed).to_bytes(4, "big") + sealed)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)


def decrypt_file(source: Path, plain: Path, key: bytes) -> None:
    """Write the contents of the encrypted ``source`` to ``plain`` (0600)."""
    with open(source, "rb") as handle, os.fdopen(create_private(plain), "wb") as out:
        header = handle.read(len(MAGIC) + SALT_BYTES)
        if len(header) != len(MAGIC) + SALT_BYTES or not header.startswith(MAGIC):
            raise BackupKeyError(f"{source} is not an encrypted kiosk backup")
        aead = _aead(key, header[len(MAGIC) :])
        index, done = 0, False
        while not done:
            length = handle.read(4)
            if len(length) != 4:
                raise BackupKeyError(f"{source} is cut short (no final chunk)")
            sealed = handle.read(int.from_bytes(length, "big"))
            done = not handle.peek(1)  # nothing after this record: it must be the final one
            try:
                out.write(aead.decrypt(_nonce(index, done), sealed, header))
            except InvalidTag:
                raise BackupKeyError(
                    f"{source} does not open with this backup key (wrong key, or the file "
                    "was changed or cut short)"
                ) from None
            index += 1
        out.flush()
        os.fsync(out.fileno())
