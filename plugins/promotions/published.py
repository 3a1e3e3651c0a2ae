"""The back office's check of a published rule list (``kiosk_masterdata_sections``).

Promotions and coupons are published to kiosks as lists of ``{"id": ..., <terms>}``
entries. A kiosk skips an entry it cannot parse rather than stop selling, so the back office
refuses it when the manager saves it, naming the entry and the field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def published_rules_check(
    parse: Callable[[str, dict[str, Any]], Any],
    defining: Sequence[str] = (),
    own_fields: Sequence[str] = (),
) -> Callable[[Any], None]:
    """A ``MasterDataSection.check`` for a rule list parsed by ``parse(id, terms)``.

    ``defining``: fields that make an entry a full rule (an entry without any of them refers
    to terms in the kiosks' own configuration, e.g. a coupon's member list, and is not
    parsed); ``own_fields``: the back office's own fields of an entry, not the rule's.
    """

    def check(value: Any) -> None:
        if not isinstance(value, list):
            raise ValueError('a list of {"id": ..., ...} entries')
        for n, entry in enumerate(value, start=1):
            if not isinstance(entry, dict) or not entry.get("id"):
                raise ValueError(f'entry {n}: needs an "id"')
            if not defining or any(field in entry for field in defining):
                terms = {k: v for k, v in entry.items() if k not in ("id", *own_fields)}
                try:
                    parse(str(entry["id"]), terms)
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"entry {n}: {exc}") from None

    return check
