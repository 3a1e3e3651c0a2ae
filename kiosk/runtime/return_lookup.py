"""Another kiosk's sale, asked of the back office for a return made here (返品, cross-kiosk).

``GET /api/v1/kiosk/returns/sale`` (kiosk token) answers the original sale's document and
the return documents already made against it on any kiosk. Asked by receipt number alone
(staff typed it; the kiosk and date are optional), several kiosks' sales may match: the
back office then lists them (:class:`SeveralSales`, each a :class:`Candidate`) for staff to
choose. Every answer is checked at the door (:class:`SaleAnswer`, :class:`CandidatesAnswer`):
a malformed one is refused with the field that is wrong, never half-used. Offline (no answer, a timeout) only this kiosk's own sales can be returned:
:class:`BackOfficeUnreachable` says so, and the screen shows why.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

LOOKUP_PATH = "/api/v1/kiosk/returns/sale"
TIMEOUT_S = 5.0
_ID = Field(min_length=1, max_length=64)
_YEN = Field(ge=-(2**31), le=2**31 - 1)


class NoBackOffice(LookupError):
    """This kiosk has no back office: only its own sales can be returned here."""


class BackOfficeUnreachable(LookupError):
    """The back office did not answer: offline, only this kiosk's own sales are returnable."""


class RemoteSaleNotFound(LookupError):
    """The back office has no such sale (not synced yet, or a wrong code)."""


class BadAnswer(ValueError):
    """The back office's answer did not pass the door's schema."""


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")  # documents carry more than a return needs


class SaleLine(_Open):
    line_id: int = Field(ge=1, le=10_000)
    sku: str = _ID
    quantity: int = Field(ge=0, le=100_000)
    weight_g: int | None = Field(None, ge=0, le=1_000_000)
    amount: int = _YEN
    tax: str = Field(pattern="^(standard|reduced)$")


class SaleRate(_Open):
    tax: str = Field(pattern="^(standard|reduced)$")
    gross: int = _YEN


class SaleTender(_Open):
    payment_id: str = _ID
    method: str = _ID
    amount: int = _YEN


class SaleDocument(_Open):
    sale_id: str = Field(min_length=8, max_length=36)
    kiosk_id: str = _ID
    receipt_no: int = Field(ge=0, le=2**31 - 1)
    completed_at: str = Field(min_length=10, max_length=40)
    total: int = Field(ge=0, le=2**31 - 1)  # a sale, never a return
    lines: list[SaleLine] = Field(max_length=1000)
    rates: list[SaleRate] = Field(max_length=4)
    tenders: list[SaleTender] = Field(max_length=20)


class ReturnLineDocument(_Open):
    original_line_id: int = Field(ge=1, le=10_000)
    quantity: int = Field(le=0)
    weight_g: int | None = Field(None, le=0)
    amount: int = Field(le=0)


class ReturnDocument(_Open):
    return_id: str = Field(min_length=8, max_length=36)
    original_sale_id: str = Field(min_length=8, max_length=36)
    lines: list[ReturnLineDocument] = Field(max_length=1000)
    rates: list[SaleRate] = Field(max_length=4)


class SaleAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sale: SaleDocument
    returns: list[ReturnDocument] = Field(max_length=1000)
    returnable: dict[str, int]


class Candidate(BaseModel):
    """One of several sales with the receipt number asked for."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kiosk_id: str = _ID
    receipt_no: int = Field(ge=0, le=2**31 - 1)
    completed_at: str = Field(min_length=10, max_length=40)
    total: int = Field(ge=0, le=2**31 - 1)


class CandidatesAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    candidates: list[Candidate] = Field(min_length=2, max_length=50)


class SeveralSales(LookupError):
    """More than one sale has this receipt number: staff choose one (kiosk, time, total)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(f"{len(candidates)} sales have this receipt number")
        self.candidates = candidates


def _checked(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadAnswer(f"the back office's sale answer: {where}: {first['msg']}") from None


def parse_answer(body: Any) -> SaleAnswer:
    """The back office's answer, checked; :class:`BadAnswer` names the first wrong field."""
    answer: SaleAnswer = _checked(SaleAnswer, body)
    for document in answer.returns:
        if document.original_sale_id != answer.sale.sale_id:
            raise BadAnswer(
                f"the back office's sale answer: return {document.return_id} is of another sale"
            )
    return answer


def parse_candidates(body: Any) -> list[Candidate]:
    """A ``409 SeveralSales`` answer's candidates, checked like a sale answer."""
    answer: CandidatesAnswer = _checked(CandidatesAnswer, body)
    return answer.candidates


def fetch_sale(
    config: Any,
    kiosk_id: str,
    receipt_no: int,
    client: httpx.Client | None = None,
    day: date | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The sale ``receipt_no`` (of ``kiosk_id`` and business day ``day`` when given; ``""``
    and None: any) and its returns on every kiosk, as documents.

    Raises :class:`NoBackOffice`, :class:`BackOfficeUnreachable`, :class:`RemoteSaleNotFound`,
    :class:`SeveralSales` or :class:`BadAnswer`.
    """
    url, token = getattr(config, "backoffice_url", ""), getattr(config, "backoffice_token", "")
    if not url or not token:
        raise NoBackOffice("this kiosk has no back office ([backoffice] url in kiosk.toml)")
    params: dict[str, Any] = {"receipt_no": receipt_no}
    if kiosk_id:
        params["kiosk_id"] = kiosk_id
    if day is not None:
        params["date"] = day.isoformat()
    own = client is None
    client = client or httpx.Client(base_url=url, timeout=TIMEOUT_S)
    try:
        response = client.get(
            LOOKUP_PATH, params=params, headers={"Authorization": f"Bearer {token}"}
        )
    except httpx.HTTPError as exc:
        raise BackOfficeUnreachable(f"the back office did not answer: {exc}") from None
    finally:
        if own:
            client.close()
    if response.status_code == 404:
        where = f" of kiosk {kiosk_id}" if kiosk_id else ""
        raise RemoteSaleNotFound(f"no sale {receipt_no}{where} in the back office")
    if response.status_code >= 500:
        raise BackOfficeUnreachable(f"the back office answered {response.status_code}")
    if response.status_code not in (200, 409):
        raise BadAnswer(f"the back office refused the look-up ({response.status_code})")
    try:
        body = response.json()
    except ValueError:
        raise BadAnswer("the back office's answer is not JSON") from None
    if response.status_code == 409:
        raise SeveralSales(parse_candidates(body))
    answer = parse_answer(body)
    return answer.sale.model_dump(), [r.model_dump() for r in answer.returns]
