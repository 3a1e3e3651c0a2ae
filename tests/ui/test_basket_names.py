"""GIVEN a long item name in the basket WHEN the text is normal or large THEN the name is
wrapped at a phrase or space and shown whole ("トイレット… 12ロール" in large text before),
with no line of one character, at 96 and 141 dpi."""

from __future__ import annotations

import pytest

from kiosk.ui.settings import UiSettings
from kiosk.ui.widgets import LineName

pytestmark = pytest.mark.ui

TOILET_PAPER = "4901234000377"  # トイレットペーパー 12ロール
ONIGIRI = "4901234000018"
NAMES = {  # the demo catalogue's names for it
    "ja": "トイレットペーパー 12ロール",
    "en": "Toilet paper (12 rolls)",
    "zh-Hans": "卫生纸 12卷",
    "ko": "화장지 12롤",
}


def drawn_lines(label) -> list[str]:
    return ["".join(w.text for w in line.words) for line in label._label._cached_lines]


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(
    ("window_size", "dpi"), [((1280, 800), 96), ((1920, 1080), 141)], indirect=["window_size"]
)
def test_a_long_name_wraps_whole(kiosk_factory, window_size, dpi, large: bool) -> None:
    kiosk = kiosk_factory(settings=UiSettings(dpi=dpi))
    kiosk.type_burst(TOILET_PAPER)
    kiosk.type_burst(ONIGIRI)
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 2, what="two lines")
    for language in ("ja", "en", "zh-Hans", "ko"):
        kiosk.ctl.large_text = large
        kiosk.ctl.set_language(language)
        kiosk.wait(lambda n=NAMES[language]: kiosk.ctl.rows[0]["name"] == n, what=language)
        kiosk.settle()
        names = [
            w
            for w in kiosk.screen("shopping").ids.basket.walk(restrict=True)
            if isinstance(w, LineName) and w.text
        ]
        assert len(names) == 2
        for name in names:
            lines = drawn_lines(name)
            assert "…" not in "".join(lines), (language, lines)
            assert "".join(lines).replace(" ", "") == name.text.replace(" ", "")
            assert len(lines) == 1 or len(lines[-1].strip()) > 1, lines
            # drawn inside the row: the texture is no taller than the label
            assert name.texture_size[1] <= name.height + 1, (language, lines)
