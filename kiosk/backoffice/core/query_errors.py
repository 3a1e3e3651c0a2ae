"""A query parameter that is missing or malformed (``?limit=abc``, a look-up without its
``member_id``): the back office's own error, not FastAPI's raw 422 list.

An ``/api/`` request gets the shape every other error has (``{"error": "InvalidQuery",
"detail": "<one line naming the parameter>"}``); a page gets the error page, which says it
in the four languages (the back office has no language setting of its own). A body error on
an ``/api/`` route is the same shape too (:func:`body_problem`, ``"error": "InvalidInput"``):
a kiosk's relay shows ``detail`` as one line, and FastAPI's list there was the only answer of
another shape. Outside ``/api/`` (form posts of the pages) FastAPI's own answer stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kiosk.backoffice.core.errors import InvalidInput

#: what a page says above the parameters' names, in the four languages (en, ja, zh-Hans, ko)
PAGE_LINES = {
    "en": "This address has a missing or wrong value: {names}. Go back and try again.",
    "ja": "このアドレスの値が足りないか正しくありません：{names}。戻ってもう一度お試しください。",
    "zh-Hans": "此地址缺少值或值有误：{names}。请返回后重试。",
    "ko": "이 주소의 값이 없거나 잘못되었습니다: {names}. 돌아가서 다시 시도하세요.",
}


class InvalidQuery(InvalidInput):
    """A query parameter is missing or malformed; the message names each one."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.names = tuple(dict.fromkeys(name for name, _ in problems))
        super().__init__("; ".join(f"query parameter {name!r}: {why}" for name, why in problems))

    def page_lines(self) -> list[str]:
        names = ", ".join(self.names)
        return [line.format(names=names) for line in PAGE_LINES.values()]


def query_problems(errors: Sequence[dict[str, Any]]) -> list[tuple[str, str]] | None:
    """``(parameter, why)`` for each error if every one is a query parameter's, else None."""
    problems = []
    for error in errors:
        loc = tuple(error.get("loc") or ())
        if len(loc) < 2 or loc[0] != "query":
            return None
        why = " ".join(str(error.get("msg", "not valid")).split())
        if error.get("type") != "missing":
            why += f" (got {str(error.get('input'))[:40]!r})"
        problems.append((str(loc[1]), why))
    return problems or None


def body_problem(errors: Sequence[dict[str, Any]]) -> str:
    """One line naming each field of a request that failed validation, FastAPI's ``loc``
    joined by dots (``body: Field required``; ``body.events: Input should be a valid list``)."""
    parts = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc") or ("body",))
        why = " ".join(str(error.get("msg", "not valid")).split())
        parts.append(f"{where}: {why}")
    return "; ".join(parts) or "body: not valid"
