"""Schemas of every message a kiosk sends (validated at the door, before any handler runs).

Kiosks are devices on the shop floor: a bug, a tampered image or a stolen token can send
anything. Each body is checked here against a pydantic model with strict types (a yen
amount is a JSON integer: ``1100.7``, ``"1100"``, ``1e30`` and ``Infinity`` are refused, not
truncated), integers within :mod:`kiosk.backoffice.core.bounds`, strings no longer than the
column they go to and lists of bounded length. What fails is a 422 that names the field;
for an outbox event also its ``seq``, ``kind`` and position, so the relay parks that one
event and delivers the rest (:mod:`kiosk.sync.relay`).

Two layers, on purpose: the door checks *types and bounds*; the feature handlers keep
checking *business rules* (a known ``op``, a status of the list, a member id that fits) and
record what they cannot use as a problem for staff. A plugin's event kinds (loyalty's
points, members and coupon uses, tax-free's records) are checked against the schema its
``EventHandler`` declares, from the plugin's own folder; a kind no loaded plugin declares
is kept as received, a JSON object within the size limit.

``extra`` (unknown fields) per model: the sale document and its parts *allow* them (a newer
kiosk build may add a field; the document is kept as received, bounded by the body limits);
what the back office writes as rows (console reports, hand-offs) *forbids* them, as a
plugin's schema does for what is passed on to other kiosks (loyalty's points and members);
envelopes *ignore* them.
"""

import json
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from kiosk.backoffice.core import extensions
from kiosk.backoffice.core.bounds import COUNT_MAX, INT32_MAX, INT64_MAX, YEN_MAX
from kiosk.backoffice.core.errors import InvalidInput
from kiosk.backoffice.sales.sale_checks import FieldProblem, check_return, check_sale
from kiosk.domain.text_controls import BIDI_CONTROLS

MAX_EVENTS = 500  # per batch (the relay sends 100)
MAX_EVENT_BYTES = 256 * 1024  # one event's payload as JSON; a sale of 1,000 lines is ~400 B each


# NUL or a bidi override, found in one C call: a batch of 10 sales checks ~260 strings
_NOT_PLAIN = re.compile("[\x00" + "".join(sorted(BIDI_CONTROLS)) + "]")


def _plain_text(value: str) -> str:
    if _NOT_PLAIN.search(value) is None:
        return value
    # PostgreSQL text cannot hold NUL: refused here as a bad field (a 422), not a 500 later
    if "\x00" in value:
        raise ValueError("text without NUL (0x00) characters")
    # a bidi override in a line's name turned "￥276" into "672￥" on the e-receipt; the
    # catalogue and staff names refuse them already (kiosk.domain.text_controls)
    if overrides := BIDI_CONTROLS.intersection(value):
        first = min(overrides)
        raise ValueError(f"text without bidirectional overrides (U+{ord(first):04X})")
    return value


def _text(high: int, low: int = 0) -> Any:
    return Annotated[StrictStr, Field(min_length=low, max_length=high), AfterValidator(_plain_text)]


def _iso_time(value: str) -> str:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("an ISO 8601 date and time") from None
    if not 2000 <= at.year <= 2099:
        raise ValueError("a date between 2000 and 2099")
    if at.tzinfo is not None:  # the back office compares it with its own (local) clock
        raise ValueError("a local date and time, without a UTC offset")
    return value


Yen = Annotated[StrictInt, Field(ge=-YEN_MAX, le=YEN_MAX)]
# what a sale takes in: a negative "sale" would be a refund that skipped the return's
# checks (original sale, returnable units) and that the return look-up mistakes for a return
SaleTotal = Annotated[StrictInt, Field(ge=0, le=YEN_MAX)]
Count = Annotated[StrictInt, Field(ge=0, le=COUNT_MAX)]
Seq = Annotated[StrictInt, Field(ge=1, le=INT64_MAX)]
Id32 = Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]
Time = Annotated[StrictStr, Field(max_length=40), AfterValidator(_iso_time)]
TimeText = _text(40)  # a time the feature handler parses and reports itself
Json = dict[str, JsonValue]
# An object of a body the door parsed as JSON (kiosk.backoffice.core.door): every value in it
# is JSON already, so it is not walked again as JsonValue (that walk, a Python callback per
# value, was a third of the validation of a batch of sales).
JsonObject = dict[StrictStr, Any]


class _Allow(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Forbid(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Ignore(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


# For a plugin's own payload schema (``EventHandler.schema``): the same strict base and fields.
AllowExtra = _Allow
text_field = _text
# For a kiosk request a plugin's router checks (plugin_api): unknown fields refused.
ForbidExtra = _Forbid


# --- the sale document (outbox kind "sale") --------------------------------------------------


class SaleLine(_Allow):
    sku: _text(64, 1)  # bo_sale_lines.sku
    amount: Yen
    line_id: Id32 | None = None
    gtin: _text(64) | None = None
    name_ja: _text(200) | None = None
    name_en: _text(200) | None = None
    department: _text(64) | None = None
    tax: _text(16) | None = None
    price_includes_tax: StrictBool | None = None
    quantity: Count = 1
    weight_g: Annotated[StrictInt, Field(ge=0, le=1_000_000)] | None = None
    unit_price: Yen | None = None
    voided: StrictBool | None = None
    void_reason: _text(200) | None = None
    voided_by: _text(64) | None = None
    age_approved_by: _text(64) | None = None


class Adjustment(_Allow):
    key: _text(120) | None = None
    kind: _text(32) | None = None
    amount: Yen | None = None
    label_ja: _text(200) | None = None
    label_en: _text(200) | None = None
    line_ids: Annotated[list[Id32], Field(max_length=1000)] | None = None
    source: _text(64) | None = None


class TaxRate(_Allow):
    tax: _text(16, 1)
    rate_percent: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    gross: Yen = 0
    tax_amount: Yen = 0
    discount: Yen | None = None


class Tender(_Allow):
    method: _text(64, 1)  # bo_sale_payments.method
    amount: Yen
    payment_id: _text(64) | None = None
    reference: _text(200) | None = None
    masked: _text(32) | None = None
    tendered: Yen | None = None
    # the method's name per receipt language at the payment (the e-receipt shows it)
    names: Annotated[dict[_text(16, 1), _text(200)], Field(max_length=8)] | None = None


class SaleExtra(_Allow):
    """A sale's ``extra``: free for a newer kiosk, but its 取引先 is searched, listed and
    exported (bo_sales.counterparty, 電帳法): plain text that fits the column."""

    counterparty: _text(100) | None = None


class SaleDocument(_Allow):
    sale_id: _text(36, 1)
    completed_at: Time
    total: SaleTotal
    lines: Annotated[list[SaleLine], Field(max_length=1000)]
    tenders: Annotated[list[Tender], Field(max_length=50)]
    rates: Annotated[list[TaxRate], Field(max_length=8)]
    adjustments: Annotated[list[Adjustment], Field(max_length=200)] = []
    kiosk_id: _text(32) | None = None
    receipt_no: Id32 | None = None
    started_at: Time | None = None
    language: _text(16) | None = None
    staff_id: _text(64) | None = None
    member_id: _text(64) | None = None  # bo_sales.member_id
    change: Yen | None = None
    extra: SaleExtra | None = None

    @model_validator(mode="after")
    def _as_a_kiosk_makes_it(self) -> "SaleDocument":
        check_sale(self)  # total, lines, tenders and rates (sale_checks)
        return self


# --- a return (outbox kind "return"): a sale document of its own, every amount negative --------


Refund = Annotated[StrictInt, Field(ge=-YEN_MAX, le=0)]


class ReturnLine(_Allow):
    line_id: Id32 | None = None
    original_line_id: Id32  # the sold line it takes back (bo_return_lines)
    sku: _text(64, 1)
    amount: Refund
    quantity: Annotated[StrictInt, Field(ge=-COUNT_MAX, le=0)] = 0
    weight_g: Annotated[StrictInt, Field(ge=-1_000_000, le=-1)] | None = None
    name_ja: _text(200) | None = None
    name_en: _text(200) | None = None
    department: _text(64) | None = None
    tax: _text(16) | None = None
    price_includes_tax: StrictBool | None = None
    restock: StrictBool = True
    voided: StrictBool | None = None


class ReturnDocument(_Allow):
    sale_id: _text(36, 1)
    return_id: _text(36, 1)
    original_sale_id: _text(36, 1)
    completed_at: Time
    total: Refund
    lines: Annotated[list[ReturnLine], Field(min_length=1, max_length=1000)]
    tenders: Annotated[list[Tender], Field(max_length=50)]
    rates: Annotated[list[TaxRate], Field(max_length=8)]
    original_receipt_no: Id32 | None = None
    original_completed_at: Time | None = None
    original_kiosk_id: _text(32) | None = None
    kiosk_id: _text(32) | None = None
    receipt_no: Id32 | None = None
    started_at: Time | None = None
    reason: _text(64) | None = None
    staff_id: _text(64) | None = None
    approved_by: _text(64) | None = None
    member_id: _text(64) | None = None
    language: _text(16) | None = None
    training: StrictBool | None = None
    change: Yen | None = None

    @model_validator(mode="after")
    def _as_a_kiosk_makes_it(self) -> "ReturnDocument":
        check_return(self)  # total, lines, refunds and rates (sale_checks)
        return self


# --- the core's other kinds: plugin receipt sections, parked stand-ins --------------------


class ReceiptSectionDoc(_Forbid):
    """One plugin receipt section (points, the tax-free summary) as the paper prints it."""

    title: _text(200)
    lines: Annotated[list[_text(400)], Field(max_length=200)]
    qr: _text(2000) | None = None


class ReceiptSections(_Forbid):
    """Outbox kind ``receipt_sections``: a sale's plugin receipt sections, for the e-receipt
    page (:mod:`kiosk.domain.receipt_sections`; kept as received)."""

    sale_id: _text(36, 1)
    sections: Annotated[list[ReceiptSectionDoc], Field(max_length=20)]


class ParkedEvent(_Forbid):
    """Outbox kind ``parked``: the kiosk parked this seq (the back office refused it before);
    it stands in for the event so the ones after it can be applied in order."""

    kind: _text(32, 1)
    reason: _text(300) = ""


PARKED = "parked"
PAYLOADS: dict[str, type[BaseModel]] = {
    "sale": SaleDocument,
    "return": ReturnDocument,
    "receipt_sections": ReceiptSections,
    PARKED: ParkedEvent,
}  # the core's kinds. A plugin's kind is checked against its EventHandler's schema
# (tax-free's tax_free_record: plugins/tax_free/backoffice/schemas.py; loyalty's loyalty,
# loyalty_points, loyalty_member: plugins/loyalty/backoffice/schemas.py; the coupon events
# loyalty keeps: plugins/loyalty/backoffice/coupon_schemas.py); a kind without one (no
# loaded plugin declares it) is kept as received: a JSON object within the size limit


# --- the outbox batch ------------------------------------------------------------------------


class EventEnvelope(_Ignore):
    seq: Seq
    event_id: _text(36, 1)  # bo_kiosk_events.event_id
    kind: _text(32, 1)
    payload: JsonObject
    aggregate_id: _text(64) | None = None
    created_at: TimeText | None = None


class OutboxBatch(_Ignore):
    events: Annotated[list[JsonObject], Field(max_length=MAX_EVENTS)]
    store_instance: _text(64, 1) | None = None  # kiosk_identity: which database sent it


class InvalidKioskEvent(InvalidInput):
    """One outbox event failed its schema: the answer names it, so the kiosk can park it."""

    def __init__(self, index: int, event: Any, field: str, problem: str) -> None:
        seq = event.get("seq") if isinstance(event, dict) else None
        kind = event.get("kind") if isinstance(event, dict) else None
        self.seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        self.kind = kind[:32] if isinstance(kind, str) else None
        where = f"seq {self.seq}" if self.seq is not None else f"#{index} of the batch"
        super().__init__(f"outbox event {where} ({self.kind or '?'}): {field}: {problem}")
        self.body = {"event": {"index": index, "seq": self.seq, "kind": self.kind}, "field": field}


def parse_batch(body: Any) -> list[tuple[EventEnvelope, dict[str, Any], str]]:
    """The batch's events as (envelope, payload as received, the payload's JSON text), or
    the first bad one named. The text (:func:`payload_text`) is what the size is checked on;
    the ingest stores it as the sale's document instead of encoding the payload again."""
    try:
        batch = OutboxBatch.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(f"outbox batch: {_first(exc)}") from None
    parsed = []
    seen_seqs: set[int] = set()
    seen_ids: set[str] = set()
    for index, raw in enumerate(batch.events):
        try:
            envelope = EventEnvelope.model_validate(raw)
        except ValidationError as exc:
            field, problem = _located(exc)
            raise InvalidKioskEvent(index, raw, field, problem) from None
        # two events under one seq (or one id): ingest would apply one and count the other a
        # duplicate, acking an event it never stored. The batch is refused whole, not one
        # event named: a kiosk would park a real sale on that answer.
        if envelope.seq in seen_seqs or envelope.event_id in seen_ids:
            twice = f"seq {envelope.seq}" if envelope.seq in seen_seqs else "event_id"
            raise InvalidInput(f"outbox batch: {twice} twice in one batch (#{index})")
        seen_seqs.add(envelope.seq)
        seen_ids.add(envelope.event_id)
        payload = raw["payload"]
        text = payload_text(payload)
        if (size := len(text)) > MAX_EVENT_BYTES:
            raise InvalidKioskEvent(
                index, raw, "payload", f"{size:,} bytes; at most {MAX_EVENT_BYTES:,}"
            )
        model = PAYLOADS.get(envelope.kind) or extensions.current().schema_for(envelope.kind)
        if model is not None:
            try:
                model.model_validate(envelope.payload)
            except ValidationError as exc:
                field, problem = _located(exc, "payload")
                raise InvalidKioskEvent(index, raw, field, problem) from None
        parsed.append((envelope, payload, text))
    return parsed


def payload_text(payload: dict[str, Any]) -> str:
    """The payload's JSON, compact and unescaped: the parsed (so canonical) document, not the
    request's bytes (which may repeat a key or escape differently)."""
    return _PAYLOAD_ENCODER.encode(payload)


# made once (json.dumps with options builds an encoder per call); no circular check: the
# payload comes from a JSON parse, which cannot make a cycle
_PAYLOAD_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


# --- the other kiosk routes --------------------------------------------------------------------


class JournalHead(_Forbid):
    """``POST /api/v1/sync/journal-head`` (the hash is checked by :class:`Anchor`)."""

    seq: Seq
    hash: _text(64)
    at_anchor: Json | None = None


class MasterdataApplied(_Ignore):
    version: Annotated[StrictInt, Field(ge=0, le=INT32_MAX)]  # bo_kiosks.masterdata_version


class ConsoleLine(_Forbid):
    """A basket line as the console shows it (stored, then drawn on staff screens)."""

    line_id: Id32
    sku: _text(64)
    name: _text(200)
    quantity: Count
    amount: Yen


class ConsoleAlert(_Forbid):
    kind: _text(32, 1)
    detail: _text(300) = ""


class Transition(_Forbid):
    old: _text(20)
    new: _text(20)
    trigger: _text(32) | None = ""
    at: TimeText | None = None


class KioskAuditEntry(_Forbid):
    """A staff PIN action done at the kiosk. ``staff_id`` and ``at`` are the kiosk's *claims*:
    the audit row's actor is the kiosk (its token) and its time the back office's clock."""

    action: _text(32, 1)
    staff_id: _text(64) | None = None
    at: TimeText | None = None
    via: _text(16) | None = None
    ok: StrictBool = False
    detail: _text(300) | None = None
    args: Json | None = None
    sale_id: _text(36) | None = None


class CommandResult(_Forbid):
    id: Annotated[StrictInt, Field(ge=1, le=INT64_MAX)]
    ok: StrictBool = False
    detail: _text(300) | None = None


class ConsoleReport(_Forbid):
    """``POST /api/v1/console/report`` — the kiosk's state, heartbeat and queued records.

    A plugin's console part (``kiosk_backoffice_console``) may read more top-level fields
    (hand-off: ``handoff_id``, ``handoffs_done``); the door checks those against the part's
    own schema and the rest against this one (:func:`kiosk.backoffice.console.api.report`)."""

    state: Literal["idle", "shopping", "paying", "needs_attendant", "error"]
    role: Literal["self", "payment", "station"] = "self"
    checkout_state: _text(20) = ""
    mode: _text(10) = "open"
    total: Yen = 0
    items: Count = 0
    seconds_in_state: Annotated[StrictInt, Field(ge=0, le=INT32_MAX)] = 0
    health: Annotated[dict[_text(64), _text(200)], Field(max_length=50)] = {}
    unsent_sales: Annotated[StrictInt, Field(ge=0, le=INT32_MAX)] = 0
    alerts: Annotated[list[ConsoleAlert], Field(max_length=20)] = []
    lines: Annotated[list[ConsoleLine], Field(max_length=50)] = []
    transitions: Annotated[list[Transition], Field(max_length=200)] = []
    audit: Annotated[list[KioskAuditEntry], Field(max_length=200)] = []
    results: Annotated[list[CommandResult], Field(max_length=50)] = []


def parse(model: type[BaseModel], body: Any, what: str) -> Any:
    """``body`` validated by ``model``, or :class:`InvalidInput` naming the first bad field."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        field, problem = _located(exc)
        raise InvalidInput(f"{what}: {field}: {problem}") from None


def _located(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    error = exc.errors(include_url=False, include_input=False)[0]
    loc, msg = error["loc"], error["msg"]
    problem = (error.get("ctx") or {}).get("error")
    if isinstance(problem, FieldProblem):  # a rule across fields names the one that broke it
        loc, msg = (*loc, problem.field), str(problem)
    path = ".".join(str(p) for p in (prefix, *loc) if p != "")
    return path or "body", msg


def _first(exc: ValidationError) -> str:
    field, problem = _located(exc)
    return f"{field}: {problem}"
