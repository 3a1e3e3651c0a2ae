"""A basket line's snapshot reads the same figures as the live line (one definition,
kiosk.domain.basket.LineFigures), and stays a slotted, frozen record."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.domain.basket import BasketLine
from kiosk.runtime.sale_view import LineSnapshot
from tests.factories import BANANA, BEER, ONIGIRI


@pytest.mark.parametrize(
    "line",
    [
        BasketLine(1, ONIGIRI, 3, 150),
        BasketLine(2, BEER, 1, 228),
        BasketLine(3, BANANA, 1, 398, weight_g=750),  # ¥398 a kilogram
    ],
    ids=["counted, 8 %", "counted, 10 %", "weighed"],
)
def test_a_snapshot_has_the_lines_amount_and_tax(line: BasketLine):
    snapshot = LineSnapshot.of(line)
    assert (snapshot.amount, snapshot.tax, snapshot.reduced_rate) == (
        line.amount,
        line.tax,
        line.reduced_rate,
    )
    assert not hasattr(snapshot, "__dict__") and not hasattr(line, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.quantity = 2  # type: ignore[misc]


def test_the_figures_are_the_products_and_the_weights():
    assert BasketLine(1, ONIGIRI, 3, 150).amount == 450
    assert BasketLine(3, BANANA, 1, 398, weight_g=750).amount == 298  # as the journeys pay
