"""docs/api-reference.md is generated from the code and kept in step with it."""

from __future__ import annotations

from pathlib import Path

from kiosk import apiref, hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-reference.md"


def test_the_reference_is_up_to_date():
    """Regenerate with ``python -m kiosk.apiref > docs/api-reference.md``."""
    assert DOC.read_text(encoding="utf-8") == apiref.reference()


def test_the_reference_covers_hooks_and_the_payment_types():
    text = apiref.reference()
    for hook in (n for n in dir(hookspecs) if n.startswith("kiosk_")):
        assert f"### `{hook}(" in text
    for name in ("PaymentResult", "Outcome", "PaymentProgress", "PaymentMethod", "build_sale"):
        assert name in text
    assert "`reference` | `str` | `''`" in text  # fields with their types and defaults
