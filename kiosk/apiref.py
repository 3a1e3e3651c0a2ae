"""The typed plugin API reference (docs/api-reference.md), generated from the code.

``python -m kiosk.apiref > docs/api-reference.md`` writes it; ``tests/plugin_host/
test_api_reference.py`` fails when the file and the code differ, so the reference a vendor
reads is the code they run against. It covers the hooks (signatures, firstresult, the
first docstring paragraph), what ``runtime`` offers (``PluginContext``, the unit of work,
the held sale), typed hook results (``ReportSection``, ``MemberEraser``), the payment contract's types (``PaymentResult``, ``Outcome``,
``PaymentProgress``, the ``PaymentMethod`` attributes and calls) and the conformance kit's
public helpers, and the back office's plugin API (:mod:`kiosk.backoffice.plugin_api`, every
name of its ``__all__``).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any

from kiosk import hookspecs
from kiosk.backoffice import plugin_api
from kiosk.domain.report_section import ReportSection
from kiosk.payments import method as payment_method
from kiosk.payments.outcome import Outcome
from kiosk.personal_data import MemberEraser
from kiosk.plugin_context import PluginContext
from kiosk.runtime.exclusive import ExclusiveSale
from kiosk.runtime.unit_of_work import UnitOfWork
from kiosk.testing import payment_conformance, sales

HEADER = """# Plugin API reference

Generated from the code by `python -m kiosk.apiref > docs/api-reference.md` (a test fails
when it is out of date). How to use it: [plugins.md](plugins.md) and
[payment-plugins.md](payment-plugins.md).
"""


def _first_paragraph(obj: Any) -> str:
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _comment_of(cls: type, name: str) -> str:
    """The ``#`` comment on, or the ``#:`` comment above, a class attribute's line."""
    lines = inspect.getsource(cls).splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(f"{name}:") or stripped.startswith(f"{name} ="):
            if "  # " in line:
                return line.split("  # ", 1)[1].strip()
            above = []
            j = i - 1
            while j >= 0 and lines[j].strip().startswith("#:"):
                above.insert(0, lines[j].strip()[2:].strip())
                j -= 1
            return " ".join(above)
    return ""


class _Text:
    """An annotation shown as written (postponed annotations are strings: no quotes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _plain(signature: inspect.Signature) -> str:
    """A signature as code reads it: annotations without quotes, no ``self``."""

    def bare(annotation: Any) -> Any:
        return _Text(annotation) if isinstance(annotation, str) else annotation

    parameters = [
        p.replace(annotation=bare(p.annotation))
        for p in signature.parameters.values()
        if p.name != "self"
    ]
    return str(
        signature.replace(
            parameters=parameters, return_annotation=bare(signature.return_annotation)
        )
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def hooks() -> Iterator[str]:
    yield "## Hooks\n"
    yield (
        "Called through pluggy: the implementation registered last runs first; a "
        "*firstresult* hook stops at the first non-None result. Each implementation runs "
        'under a deadline and its result is type-checked (plugins.md, "Isolation").\n'
    )
    for name in sorted(n for n in dir(hookspecs) if n.startswith("kiosk_")):
        function = getattr(hookspecs, name)
        opts = getattr(function, "kiosk_spec", {}) or {}
        first = " — *firstresult*" if opts.get("firstresult") else ""
        yield f"### `{name}{_plain(inspect.signature(function))}`{first}\n"
        yield _first_paragraph(function) + "\n"


def dataclass_table(cls: type) -> Iterator[str]:
    yield f"### `{cls.__module__}.{cls.__name__}`\n"
    yield _first_paragraph(cls) + "\n"
    yield "| field | type | default | meaning |"
    yield "|---|---|---|---|"
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            default = f"`{field.default!r}`"
        elif field.default_factory is not dataclasses.MISSING:
            default = f"`{field.default_factory()!r}`"
        else:
            default = "required"
        meaning = _cell(_comment_of(cls, field.name))
        yield f"| `{field.name}` | `{_cell(str(field.type))}` | {default} | {meaning} |"
    yield ""


def outcome_table() -> Iterator[str]:
    yield f"### `{Outcome.__module__}.Outcome`\n"
    yield _first_paragraph(Outcome) + "\n"
    yield "| member | value | meaning |"
    yield "|---|---|---|"
    for member in Outcome:
        yield f"| `{member.name}` | `{member.value!r}` | {_cell(_comment_of(Outcome, member.name))} |"
    yield ""


def method_reference() -> Iterator[str]:
    cls = payment_method.PaymentMethod
    yield f"### `{cls.__module__}.PaymentMethod`\n"
    yield _first_paragraph(cls) + "\n"
    yield "| attribute | type | default | meaning |"
    yield "|---|---|---|---|"
    for name, annotation in cls.__annotations__.items():
        if name.startswith("_"):
            continue
        default = getattr(cls, name, None)
        meaning = _cell(_comment_of(cls, name))
        yield f"| `{name}` | `{_cell(str(annotation))}` | `{default!r}` | {meaning} |"
    yield ""
    yield "| call | summary |"
    yield "|---|---|"
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_"):
            continue
        signature = f"{name}{_plain(inspect.signature(member))}"
        abstract = " *(abstract)*" if getattr(member, "__isabstractmethod__", False) else ""
        yield f"| `{_cell(signature)}`{abstract} | {_cell(_first_paragraph(member))} |"
    yield ""


def functions_table(title: str, module: Any, names: list[str]) -> Iterator[str]:
    yield f"### {title}\n"
    yield "| name | summary |"
    yield "|---|---|"
    for name in names:
        obj = getattr(module, name)
        target = getattr(obj, "__wrapped__", obj)
        try:
            signature = f"{name}{_plain(inspect.signature(target))}"
        except (TypeError, ValueError):
            signature = name
        yield f"| `{module.__name__}.{_cell(signature)}` | {_cell(_first_paragraph(target))} |"
    yield ""


def context_reference() -> Iterator[str]:
    cls = PluginContext
    yield f"### `{cls.__module__}.PluginContext` — what ``runtime`` offers a plugin\n"
    yield _first_paragraph(inspect.getmodule(cls)) + "\n"
    yield "| member | type | meaning |"
    yield "|---|---|---|"
    for name, annotation in cls.__annotations__.items():
        yield f"| `{name}` | `{_cell(str(annotation))}` | {_cell(_comment_of(cls, name))} |"
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            signature = f"{name}{_plain(inspect.signature(member))}"
            yield f"| `{_cell(signature)}` | method | {_cell(_first_paragraph(member))} |"
    yield ""


def door_object_reference(cls: type, made_by: str) -> Iterator[str]:
    """A live object the runtime hands a plugin (through its door): its calls and properties."""
    yield f"### `{cls.__module__}.{cls.__name__}` — from `{made_by}`\n"
    yield _first_paragraph(cls) + "\n"
    yield "| member | kind | summary |"
    yield "|---|---|---|"
    for name, member in inspect.getmembers(cls):
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            yield f"| `{name}` | property | {_cell(_first_paragraph(member))} |"
        elif inspect.isfunction(member):
            signature = f"{name}{_plain(inspect.signature(member))}"
            yield f"| `{_cell(signature)}` | method | {_cell(_first_paragraph(member))} |"
    yield ""


def backoffice_api_reference() -> Iterator[str]:
    """Every name a back-office plugin may import (``kiosk.backoffice.plugin_api.__all__``)."""
    yield "## Back-office plugin API\n"
    yield _first_paragraph(plugin_api) + "\n"
    yield "| name | kind | summary |"
    yield "|---|---|---|"
    summaries: dict[str, str] = getattr(plugin_api, "_SUMMARIES", {})
    for name in sorted(plugin_api.__all__, key=str.lower):
        obj = getattr(plugin_api, name)
        if inspect.isclass(obj):
            kind, shown = "class", name
        elif inspect.isfunction(obj):
            kind, shown = "function", f"{name}{_plain(inspect.signature(obj))}"
        else:
            kind, shown = "type" if name[:1].isupper() and not name.isupper() else "value", name
        summary = summaries.get(name) or _first_paragraph(obj)
        yield f"| `{_cell(shown)}` | {kind} | {_cell(summary)} |"
    yield ""


def reference() -> str:
    parts: list[str] = [HEADER]
    parts += hooks()
    parts += context_reference()
    parts += door_object_reference(UnitOfWork, "runtime.unit_of_work()")
    parts += door_object_reference(ExclusiveSale, "runtime.exclusively()")
    parts.append("## Typed hook results\n")
    parts += dataclass_table(ReportSection)
    parts += dataclass_table(MemberEraser)
    parts.append("## The payment contract\n")
    parts += method_reference()
    parts += dataclass_table(payment_method.PaymentResult)
    parts += outcome_table()
    parts += dataclass_table(payment_method.PaymentProgress)
    parts.append("## The conformance kit and test helpers\n")
    parts += functions_table(
        "Controller (implement it for your simulator)",
        payment_conformance.SimulatorController,
        ["prepare", "decline_next", "lose_reply_next", "charged", "charge_count", "fresh_method"],
    )
    parts += dataclass_table(payment_conformance.PluginUnderTest)
    parts += functions_table(
        "Fixtures and helpers (`kiosk.testing.payment_conformance`)",
        payment_conformance,
        ["kiosk_store", "kiosk_runtime", "new_sale_id", "approve", "restart", "recover"],
    )
    parts += functions_table(
        "Building a sale (`kiosk.testing.sales`)",
        sales,
        ["kiosk_runtime", "ring_up", "build_sale"],
    )
    parts += backoffice_api_reference()
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    print(reference(), end="")
