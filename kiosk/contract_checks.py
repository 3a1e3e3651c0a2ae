"""Type checks at the plugin door: what a plugin hands the kiosk has the promised shape.

A plugin's wrong type used to surface far from its cause (an ``AttributeError`` in
``runtime.method()``, a crash while printing, a ``TypeError`` in ``carddata.scrub``) and
named nobody. Each check here returns ``None`` when the value is fine, else one short
phrase naming the field (``"item [1] is 42 (int), not a PaymentMethod"``), which the plugin
host puts in the one message that disables the plugin.

The checks are shallow on purpose: the fields the kiosk reads, with the types it reads them
as. They are plain functions so a vendor's tests can call them too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], "str | None"]


def describe(value: Any) -> str:
    """``'abc' (str)`` — a value as a message shows it (short, never a whole object)."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def is_int(value: Any) -> bool:
    """Yen and counts are ints; ``True`` is an int to Python but never an amount."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return (is_int(value) or isinstance(value, float)) and value == value  # not NaN


def instance_of(cls: type, name: str | None = None) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, cls):
            return None
        return f"is {describe(value)}, not a {name or cls.__name__}"

    return check


def list_of(item: Check) -> Check:
    """A list or tuple whose every item passes ``item``; the first bad one is named."""

    def check(value: Any) -> str | None:
        if not isinstance(value, list | tuple):
            return f"is {describe(value)}, not a list"
        for index, element in enumerate(value):
            problem = item(element)
            if problem is not None:
                return f"item [{index}] {problem}"
        return None

    return check


def fields(cls: type, spec: dict[str, Check]) -> Check:
    """An instance of ``cls`` whose named fields pass their checks (``Cls.field is …``)."""

    def check(value: Any) -> str | None:
        if not isinstance(value, cls):
            return f"is {describe(value)}, not a {cls.__name__}"
        for name, field_check in spec.items():
            problem = field_check(getattr(value, name, None))
            if problem is not None:
                return f"{cls.__name__}.{name} {problem}"
        return None

    return check


def text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"is {describe(value)}, not str"


def optional_text(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else f"is {describe(value)}, not str"


def non_empty_text(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    return f"is {describe(value)}, not a non-empty str"


def integer(value: Any) -> str | None:
    return None if is_int(value) else f"is {describe(value)}, not int (yen)"


def flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"is {describe(value)}, not bool"


def positive_seconds(value: Any) -> str | None:
    if is_number(value) and value > 0:
        return None
    return f"is {describe(value)}, not a positive number of seconds"


def texts(value: Any) -> str | None:
    """A tuple (or list) of str."""
    if not isinstance(value, tuple | list):
        return f"is {describe(value)}, not a tuple of str"
    for index, element in enumerate(value):
        if not isinstance(element, str):
            return f"[{index}] is {describe(element)}, not str"
    return None


def dataclass_fields(cls: type, **overrides: Check) -> Check:
    """:func:`fields` for a dataclass: str fields must be str, int fields int (yen)."""
    spec: dict[str, Check] = {}
    for field in dataclasses.fields(cls):
        declared = str(field.type)
        if field.name in overrides:
            spec[field.name] = overrides[field.name]
        elif declared == "str":
            spec[field.name] = text
        elif declared in ("int", "Yen"):
            spec[field.name] = integer
        elif declared == "bool":
            spec[field.name] = flag
    return fields(cls, spec)
