"""The reduced-rate mark (※) stays on the screen when a line's name is cut.

GIVEN a reduced-rate (8 %) product whose name is longer than its row holds (80 characters,
      the catalogue's limit)
WHEN the shopper scans it
THEN the row shows ※ before the name, as the receipt prints it, so the "…" that cuts the
     name never cuts the mark (before: "name  ※" lost the ※ with the end of the name).
"""

from __future__ import annotations

import csv

import pytest

from kiosk.cli import main
from kiosk.ui.widgets import LineName

pytestmark = pytest.mark.ui

LONG = "幕の内弁当" * 16  # 80 characters


def test_a_long_reduced_rate_name_keeps_its_mark(tmp_path, kiosk_factory):
    data = tmp_path / "k0"  # where kiosk_factory makes its first kiosk
    source = tmp_path / "catalogue.csv"
    with open("kiosk/data/demo_catalogue.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    bento = next(r for r in rows if r["gtin"] == "4901234000032")
    assert bento["tax"] == "reduced"
    bento["name_ja"] = LONG
    with open(source, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert main(["--data-dir", str(data), "catalog", "import", str(source)]) == 0

    kiosk = kiosk_factory()
    kiosk.type_burst("4901234000032")
    kiosk.wait(lambda: len(kiosk.ctl.rows) == 1, what="the bento's row")
    kiosk.settle()
    shopping = kiosk.screen("shopping")
    names = [w for w in shopping.walk(restrict=True) if isinstance(w, LineName)]
    shown = [w._label.text for w in names if LONG[:5] in w.text]
    assert len(shown) == 1
    assert "…" in shown[0]  # the name is cut on the screen
    assert "※" in shown[0]  # … and the mark is still there
