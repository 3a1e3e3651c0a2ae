"""Product names on the screen never show a box (tofu) for an emoji the fonts lack.

GIVEN a catalogue name with emoji (a store's CSV may hold them: 🍙 おにぎり)
WHEN the basket line, the last-scanned panel and the staff's age-check card show it
THEN each emoji reads as its name, as the receipt prints it (``[rice ball]``), and the
     rest of the name is unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.domain.basket import Basket
from kiosk.ui.basket_view import line_view
from tests.factories import product


def test_an_emoji_in_a_name_reads_as_its_name_on_the_screen():
    onigiri = replace(product(1, 150), name_ja="おにぎり🍙 鮭", name_en="Rice ball 😀")
    line = Basket().add(onigiri, 1)
    assert line_view(line, "ja").name == "おにぎり[rice ball] 鮭"
    assert line_view(line, "en").name == "Rice ball [grinning face]"
    plain = replace(product(2, 228), name_ja="ビール ☆350ml")  # ☆ is cp932 and in the fonts
    assert line_view(Basket().add(plain, 1), "ja").name == "ビール ☆350ml"
