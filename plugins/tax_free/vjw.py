"""Visit Japan Web (VJW) tax-free codes, in a format of OUR OWN (a placeholder).

Since 2023-04-01 a shopper may show a VJW two-dimensional code holding the passport data
(name, nationality, date of birth, status of residence, landing date, passport kind and
number) instead of handing over the passport. The NTA says the Digital Agency publishes the
interface specification of that code; it was not available to us, so this module defines a
plausible stand-in that carries the same fields. Replace :func:`parse_vjw` (nothing else
depends on the wire format) when the real specification is at hand.

Format: ``VJWTF1:`` followed by base64url (no padding) of a UTF-8 JSON object::

    {"v": 1, "doc": "P", "no": "TR1234567", "iss": "USA", "nat": "USA",
     "sn": "SMITH", "gn": "JANE", "dob": "1990-05-17", "sex": "F", "exp": "2031-04-15",
     "land": "2026-10-28", "status": "temporary_visitor",
     "proof": {"kind": "consular_certificate", "moved": "2019-04-01"}}   # JPN only, optional
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from typing import Any

from plugins.tax_free.buyer import (
    Buyer,
    DocumentKind,
    OverseasResidenceProof,
    ProofKind,
    ResidenceStatus,
)
from plugins.tax_free.errors import DocumentUnreadable

PREFIX = "VJWTF1:"
VERSION = 1


def is_vjw_code(code: str) -> bool:
    return code.startswith(PREFIX)


def parse_vjw(code: str) -> Buyer:
    """The buyer a VJW code describes.

    :raises DocumentUnreadable: not our format, or a field is missing or malformed; the
        message names the field.
    """
    if not is_vjw_code(code):
        raise DocumentUnreadable("not a Visit Japan Web tax-free code: show the tax-free QR code")
    body = code[len(PREFIX) :]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise DocumentUnreadable("the Visit Japan Web code is damaged: show it again") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise DocumentUnreadable("unsupported Visit Japan Web code version: update the kiosk")
    proof = data.get("proof")
    try:
        return Buyer(
            passport_number=_text(data, "no"),
            nationality=_text(data, "nat"),
            surname=_text(data, "sn"),
            given_names=str(data.get("gn", "")),
            birth_date=_date(data, "dob"),
            expiry_date=_date(data, "exp"),
            issuing_country=str(data.get("iss", data.get("nat", ""))),
            sex=str(data.get("sex", "")),
            document_type=str(data.get("doc", "P")),
            identified_by=DocumentKind.VISIT_JAPAN_WEB,
            landing_date=_date(data, "land"),
            residence_status=ResidenceStatus(_text(data, "status")),
            overseas_proof=OverseasResidenceProof(
                kind=ProofKind(proof["kind"]), moved_abroad_on=date.fromisoformat(proof["moved"])
            )
            if isinstance(proof, dict)
            else None,
        )
    except (KeyError, ValueError) as exc:
        raise DocumentUnreadable(f"the Visit Japan Web code has a bad field ({exc})") from None


def encode_vjw(buyer: Buyer) -> str:
    """The code for ``buyer`` (simulators, tests and the demo use it)."""
    data: dict[str, Any] = {
        "v": VERSION,
        "doc": buyer.document_type,
        "no": buyer.passport_number,
        "iss": buyer.issuing_country or buyer.nationality,
        "nat": buyer.nationality,
        "sn": buyer.surname,
        "gn": buyer.given_names,
        "dob": buyer.birth_date.isoformat(),
        "sex": buyer.sex,
        "exp": buyer.expiry_date.isoformat(),
        "land": buyer.landing_date.isoformat() if buyer.landing_date else None,
        "status": buyer.residence_status.value if buyer.residence_status else None,
    }
    if buyer.overseas_proof:
        data["proof"] = {
            "kind": buyer.overseas_proof.kind.value,
            "moved": buyer.overseas_proof.moved_abroad_on.isoformat(),
        }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise KeyError(key)
    return value


def _date(data: dict[str, Any], key: str) -> date:
    return date.fromisoformat(_text(data, key))
