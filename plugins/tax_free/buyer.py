"""The tax-free buyer (免税購入対象者) and the eligibility check.

A buyer is identified by a passport (read from its MRZ) or by a Visit Japan Web code; the
purchase record needs the passport data plus the landing date (上陸年月日) and the status of
residence (在留資格), which the MRZ does not carry. Japanese nationals living abroad also
need a document proving it (:class:`OverseasResidenceProof`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from plugins.tax_free import rules
from plugins.tax_free.errors import (
    DocumentExpired,
    MoreInformationNeeded,
    NotEligible,
    RefusalCode,
    tax_free_message,
)

JAPAN = "JPN"


class ResidenceStatus(StrEnum):
    """Statuses and landing permissions that make a foreign visitor a tax-free buyer."""

    TEMPORARY_VISITOR = "temporary_visitor"  # 短期滞在
    DIPLOMAT = "diplomat"  # 外交
    OFFICIAL = "official"  # 公用
    PORT_OF_CALL = "port_of_call"  # 寄港地上陸許可
    CRUISE_PASSENGER = "cruise_passenger"  # 船舶観光上陸許可
    TRANSIT = "transit"  # 通過上陸許可
    CREW = "crew"  # 乗員上陸許可
    EMERGENCY = "emergency"  # 緊急上陸許可
    DISTRESS = "distress"  # 遭難による上陸許可
    SOFA = "sofa"  # 合衆国軍隊の構成員等
    OTHER = "other"  # any other status (留学, 技術・人文知識・国際業務 …): a resident


ELIGIBLE_STATUSES: frozenset[ResidenceStatus] = frozenset(ResidenceStatus) - {ResidenceStatus.OTHER}

STATUS_NAMES_JA = {
    ResidenceStatus.TEMPORARY_VISITOR: "短期滞在",
    ResidenceStatus.DIPLOMAT: "外交",
    ResidenceStatus.OFFICIAL: "公用",
    ResidenceStatus.PORT_OF_CALL: "寄港地上陸",
    ResidenceStatus.CRUISE_PASSENGER: "船舶観光上陸",
    ResidenceStatus.TRANSIT: "通過上陸",
    ResidenceStatus.CREW: "乗員上陸",
    ResidenceStatus.EMERGENCY: "緊急上陸",
    ResidenceStatus.DISTRESS: "遭難による上陸",
    ResidenceStatus.SOFA: "合衆国軍隊の構成員等",
    ResidenceStatus.OTHER: "その他",
}


class ProofKind(StrEnum):
    """Documents proving a Japanese national lives abroad (国内に住所等を有しないことの証明)."""

    CONSULAR_CERTIFICATE = "consular_certificate"  # 在留証明
    FAMILY_REGISTER_ANNEX = "family_register_annex"  # 戸籍の附票の写し
    MY_NUMBER_CARD = "my_number_card"  # 個人番号カード (added by the 2025 reform)


class DocumentKind(StrEnum):
    PASSPORT_MRZ = "passport_mrz"
    VISIT_JAPAN_WEB = "visit_japan_web"


@dataclass(frozen=True, slots=True)
class OverseasResidenceProof:
    """The extra document a Japanese national living abroad shows.

    ``moved_abroad_on`` is the day they left Japan to live abroad (国外転出等をした日), which the
    purchase record carries together with the kind of document.
    """

    kind: ProofKind
    moved_abroad_on: date
    document_number: str = ""


@dataclass(frozen=True, slots=True)
class Buyer:
    """Everything the purchase record says about the buyer. Personal data: stored encrypted."""

    passport_number: str
    nationality: str  # ICAO 9303 three-letter code (JPN, USA, D<<, UTO…)
    surname: str
    given_names: str
    birth_date: date
    expiry_date: date
    issuing_country: str = ""
    sex: str = ""
    document_type: str = "P"
    identified_by: DocumentKind = DocumentKind.PASSPORT_MRZ
    landing_date: date | None = None
    residence_status: ResidenceStatus | None = None
    overseas_proof: OverseasResidenceProof | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_japanese(self) -> bool:
        return self.nationality == JAPAN

    @property
    def display_name(self) -> str:
        """Surname and initial only, for receipts and staff lists (ERIKSSON A.)."""
        initial = f" {self.given_names[0]}." if self.given_names else ""
        return f"{self.surname}{initial}"

    @property
    def masked_passport(self) -> str:
        return "*" * max(len(self.passport_number) - 4, 0) + self.passport_number[-4:]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("birth_date", "expiry_date", "landing_date"):
            data[key] = data[key].isoformat() if data[key] else None
        if self.overseas_proof:
            data["overseas_proof"]["moved_abroad_on"] = (
                self.overseas_proof.moved_abroad_on.isoformat()
            )
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Buyer:
        proof = data.get("overseas_proof")
        return cls(
            passport_number=data["passport_number"],
            nationality=data["nationality"],
            surname=data["surname"],
            given_names=data["given_names"],
            birth_date=date.fromisoformat(data["birth_date"]),
            expiry_date=date.fromisoformat(data["expiry_date"]),
            issuing_country=data.get("issuing_country", ""),
            sex=data.get("sex", ""),
            document_type=data.get("document_type", "P"),
            identified_by=DocumentKind(data.get("identified_by", DocumentKind.PASSPORT_MRZ)),
            landing_date=_date_or_none(data.get("landing_date")),
            residence_status=ResidenceStatus(data["residence_status"])
            if data.get("residence_status")
            else None,
            overseas_proof=OverseasResidenceProof(
                kind=ProofKind(proof["kind"]),
                moved_abroad_on=date.fromisoformat(proof["moved_abroad_on"]),
                document_number=proof.get("document_number", ""),
            )
            if proof
            else None,
            extra=dict(data.get("extra") or {}),
        )


def _date_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def check_eligibility(
    buyer: Buyer,
    sale_date: date,
    eligible_statuses: frozenset[ResidenceStatus] = ELIGIBLE_STATUSES,
) -> None:
    """Raise if ``buyer`` cannot buy tax-free on ``sale_date``; return None if they can.

    :raises DocumentExpired: the passport expired before the sale date.
    :raises MoreInformationNeeded: the landing date, status or proof of residence abroad is
        missing; the message says what to ask for.
    :raises NotEligible: the buyer is a resident of Japan for tax-free purposes.
    """
    if buyer.expiry_date < sale_date:
        raise DocumentExpired(
            f"the passport expired on {buyer.expiry_date.isoformat()}: a valid passport is needed",
            tax_free_message("Your passport has expired. A valid passport is needed."),
        )
    if buyer.landing_date is None:
        raise MoreInformationNeeded(
            "landing_date",
            "enter the landing date from the landing stamp or sticker (上陸許可の証印)",
        )
    if buyer.landing_date > sale_date:
        raise NotEligible(
            RefusalCode.LANDING_AFTER_SALE,
            f"landing date {buyer.landing_date.isoformat()} is after the sale date: check it",
            tax_free_message("The landing date is after today. Please check it."),
        )
    if buyer.is_japanese:
        _check_japanese_abroad(buyer)
        return
    if buyer.residence_status is None:
        raise MoreInformationNeeded(
            "residence_status", "enter the status of residence from the landing permission"
        )
    if buyer.residence_status not in eligible_statuses:
        raise NotEligible(
            RefusalCode.RESIDENT,
            "this status of residence makes the shopper a resident: tax-free sales are only for "
            "temporary visitors, diplomats, officials and the landing permissions listed in the docs",
            tax_free_message("Tax-free is not available with this status of residence."),
        )
    if rules.add_months(buyer.landing_date, rules.NON_RESIDENT_MONTHS) <= sale_date:
        raise NotEligible(
            RefusalCode.LANDED_TOO_LONG,
            "six months or more have passed since landing: the shopper counts as a resident",
            tax_free_message(
                "Tax-free is not available: six months or more have passed since you landed."
            ),
        )


def _check_japanese_abroad(buyer: Buyer) -> None:
    proof = buyer.overseas_proof
    if proof is None:
        raise MoreInformationNeeded(
            "overseas_proof",
            "a Japanese national needs a consular residence certificate (在留証明), a copy of the "
            "family register annex (戸籍の附票の写し) or a My Number card showing the move abroad",
        )
    assert buyer.landing_date is not None
    if (
        rules.add_months(proof.moved_abroad_on, 12 * rules.JAPANESE_ABROAD_YEARS)
        > buyer.landing_date
    ):
        raise NotEligible(
            RefusalCode.NOT_ABROAD_LONG_ENOUGH,
            "a Japanese national must have lived abroad for two years or more before this entry",
            tax_free_message(
                "Tax-free is only for Japanese nationals who have lived abroad for two years or more."
            ),
        )
