"""What each hook must return, checked by the plugin host before anyone uses it.

``CHECKS`` maps a hook's name to a :mod:`kiosk.contract_checks` check of one
implementation's non-None result. A result that fails disables the plugin with one message
naming plugin, hook and field (``kiosk_payment_methods returned item [1] is 42 (int), not a
PaymentMethod``) and is dropped, so the sale goes on with the other plugins. Notification
hooks (return value ignored) are not listed.
"""

from __future__ import annotations

from typing import Any

from kiosk.cli_commands import cli_command
from kiosk.contract_checks import (
    Check,
    describe,
    fields,
    integer,
    list_of,
    non_empty_text,
    optional_text,
    text,
    texts,
)
from kiosk.domain.basket import Adjustment
from kiosk.domain.events import AgeApproval, ScanClaim
from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.report_section import ReportSection, section_problem
from kiosk.messages import Message
from kiosk.payments.checks import payment_method
from kiosk.personal_data import member_eraser


def _scan_source(value: Any) -> str | None:
    for name in ("start", "stop"):
        if not callable(getattr(value, name, None)):
            return f"is {describe(value)}, not a scan source (no {name}())"
    return None


def _message(value: Any) -> str | None:
    """A :class:`kiosk.messages.Message` (a key of the plugin's catalogue), not text."""
    if isinstance(value, Message):
        return None
    return f"is {describe(value)}, not a Message (kiosk.messages.Message.of(key, DOMAIN))"


def _anything(_value: Any) -> None:
    return None


def _report_section(value: Any) -> str | None:
    """A :class:`~kiosk.domain.report_section.ReportSection` whose rows fit its columns."""
    problem = fields(ReportSection, {"title": non_empty_text, "columns": texts, "note": text})(
        value
    )
    if problem is not None:
        return problem
    inner = section_problem(value)
    return f"ReportSection.{inner}" if inner else None


def _settings(value: Any) -> str | None:
    """``(name, pydantic model class or None)``."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)):
        return f"is {describe(value)}, not a (name, model) pair"
    if value[1] is not None and not isinstance(value[1], type):
        return f"model is {describe(value[1])}, not a class"
    return None


CHECKS: dict[str, Check] = {
    "kiosk_plugin_settings": _settings,
    "kiosk_scan_sources": list_of(_scan_source),
    "kiosk_claim_scan": fields(ScanClaim, {"plugin": text}),
    "kiosk_adjust_basket": list_of(
        fields(
            Adjustment,
            {"key": text, "amount": integer, "message": _message},
        )
    ),
    "kiosk_age_check": fields(AgeApproval, {"method": non_empty_text, "assurance_level": integer}),
    "kiosk_payment_methods": list_of(payment_method),
    "kiosk_receipt_sections": list_of(
        fields(ReceiptSection, {"title": text, "lines": texts, "qr": optional_text})
    ),
    "kiosk_report_sections": list_of(_report_section),
    "kiosk_export_formats": list_of(_anything),
    "kiosk_cli_commands": list_of(cli_command),
    "kiosk_member_erasers": list_of(member_eraser),
}


def problem(hook_name: str, value: Any) -> str | None:
    """Why ``value`` is not what ``hook_name`` promises, or None (also for unlisted hooks)."""
    check = CHECKS.get(hook_name)
    return None if check is None or value is None else check(value)
