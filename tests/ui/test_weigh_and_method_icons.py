"""A shopper weighs bananas on the kiosk's scale; payment tiles show drawn pictograms in the
store's order. The real app in a real window, touched at the widgets' on-screen places."""

from pathlib import Path

import pytest

from kiosk.config import DEFAULT_CONFIG
from kiosk.devices.profiles import Devices, HardwareProfile
from kiosk.devices.registry import default_registry
from kiosk.domain.scan import Scan, Symbology
from kiosk.ui.icons import MethodIcon
from tests.ui.driver import KioskDriver
from tests.ui.test_screens import undersized

ONIGIRI = "4901234000018"


def scale_only() -> Devices:
    """A kiosk whose hardware is just a simulated scale (opened, claimed, enabled)."""
    scale = default_registry().create("Scale", "sim", name="scale")
    scale.open_claim_enable()
    profile = HardwareProfile("scale-only", "test", Path("scale-only.toml"), {})
    return Devices(profile, {"scale": scale})


def texts(widget) -> list[str]:
    """Every label text drawn under ``widget`` (what the shopper can read)."""
    return [w.text for w in widget.walk(restrict=True) if getattr(w, "text", "") and w.opacity > 0]


def go_to_bananas(kiosk: KioskDriver):
    """Look-up → 青果 → バナナ, by touch."""
    if kiosk.ctl.screen == "attract":
        kiosk.tap(kiosk.widget("start", "attract"))
    shopping = kiosk.wait_screen("shopping")
    kiosk.tap_text(shopping, kiosk.ctl.t("Look up item"))
    lookup = kiosk.wait_screen("lookup")
    kiosk.tap_text(lookup.ids.departments, kiosk.ctl.t("Fruit & vegetables"))
    kiosk.settle()
    tile = next(
        b
        for b in lookup.ids.results.children
        if getattr(b, "product", None) and b.product.plu == "101"
    )
    kiosk.tap(tile)
    return kiosk.wait_screen("weigh")


def test_a_shopper_weighs_bananas_and_adds_them(kiosk_factory):
    """GIVEN a kiosk with a scale and ¥150 of onigiri in the basket WHEN the shopper picks
    バナナ, puts 350 g on the scale and touches Add THEN the screen showed 350 g and ¥139, and
    the basket total is ¥289."""
    kiosk = kiosk_factory(devices=scale_only())
    sim = kiosk.runtime.devices.scale.driver
    kiosk.ctl.scan(Scan(ONIGIRI, Symbology.EAN13, "test"))
    kiosk.settle()
    weigh = go_to_bananas(kiosk)
    assert weigh.ids.name.text == "バナナ"
    assert weigh.ids.add.disabled
    assert kiosk.ctl.t("Place the item on the scale") in weigh.ids.instruction.text
    sim.set_weight(350, stable=False)
    kiosk.wait(lambda: weigh.ids.weight.text == "350 g", what="the live weight")
    assert weigh.ids.add.disabled  # not steady yet
    sim.set_weight(350)
    kiosk.wait(lambda: not weigh.ids.add.disabled, what="a steady reading")
    shown = texts(weigh)
    assert "350 g" in shown and "￥139" in shown
    kiosk.tap(weigh.ids.add)
    kiosk.wait_screen("shopping")
    assert kiosk.runtime.checkout.totals.total == 150 + 139
    assert kiosk.ctl.total_text == "￥289"
    banana = next(r for r in kiosk.ctl.rows if r["weighed"])
    assert banana["amount"] == "￥139"


def test_too_light_and_tare(kiosk_factory):
    kiosk = kiosk_factory(devices=scale_only())
    sim = kiosk.runtime.devices.scale.driver
    weigh = go_to_bananas(kiosk)
    sim.set_weight(8)
    kiosk.wait(lambda: weigh.ids.weight.text == "8 g", what="8 g shown")
    assert weigh.ids.add.disabled
    assert "20" in weigh.ids.instruction.text
    kiosk.tap(weigh.ids.tare)
    kiosk.wait(lambda: sim.zeroed == 1, what="the scale zeroed")
    kiosk.wait(lambda: weigh.ids.weight.text == "— g", what="zero shown")


def test_without_a_scale_the_shopper_is_asked_to_call_staff(kiosk):
    """GIVEN a kiosk with no scale WHEN the shopper picks バナナ THEN the weigh screen says so
    in Japanese, offers no Add button, and Call staff brings the staff overlay."""
    weigh = go_to_bananas(kiosk)
    kiosk.wait(lambda: not weigh.has_scale, what="no scale noticed")
    kiosk.settle()
    assert "はかりがありません" in weigh.ids.instruction.text
    assert weigh.ids.add.parent is None and weigh.ids.tare.parent is None
    kiosk.tap(weigh.ids.staff)
    kiosk.wait(lambda: kiosk.ctl.state == "needs_attendant", what="staff called")
    # staff learn which item to weigh (the checkout's request); the shopper's overlay shows
    # only "you asked for help" in their language, no internal detail
    assert any("バナナ" in p.detail for p in kiosk.runtime.checkout._pending)
    assert all("no scale" not in a["detail"] for a in kiosk.ctl.attendant)


def test_method_tiles_show_pictograms_in_the_store_order(kiosk_factory, tmp_path):
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    text = [x for x in text if not x.startswith("method_order")]
    config = tmp_path / "kiosk.toml"
    config.write_text(
        "\n".join(text).replace(
            "[checkout]\n", '[checkout]\nmethod_order = ["qr", "emoney", "card", "cash"]\n'
        ),
        encoding="utf-8",
    )
    kiosk = kiosk_factory(config_file=config)
    kiosk.ctl.language = "en"
    kiosk.ctl.scan(Scan(ONIGIRI, Symbology.EAN13, "test"))
    kiosk.settle()
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    tiles = list(reversed(methods.ids.tiles.children))  # Kivy lists children last-first
    icons = [next(c for c in t.children if isinstance(c, MethodIcon)) for t in tiles]
    assert [i.shown for i in icons][:4] == ["qr", "emoney", "card", "cash"]
    for tile, icon in zip(tiles, icons, strict=True):
        assert len(icon.canvas.children) > 2  # something is drawn
        assert tile.collide_point(*icon.center) and icon.center_y > tile.center_y  # above the name
        assert icon.top <= tile.top and icon.width > 20
    # touching the QR tile (first) picks the QR wallet
    kiosk.tap(tiles[0])
    kiosk.wait(lambda: kiosk.ctl.pay_method == "qr", what="qr chosen")


@pytest.mark.parametrize("large", [False, True])
def test_weigh_buttons_are_at_least_15_mm(kiosk_factory, large: bool):
    kiosk = kiosk_factory(devices=scale_only())
    kiosk.ctl.large_text = large
    go_to_bananas(kiosk)
    kiosk.runtime.devices.scale.driver.set_weight(500)
    kiosk.settle()
    assert undersized(kiosk) == []


def test_a_plugin_png_replaces_the_pictogram(kiosk, tmp_path):
    """GIVEN a method with ``icon_image`` naming a PNG THEN the tile shows that image; a
    missing file falls back to the drawn pictogram (the tile is never blank)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = tmp_path / "brand.png"
    raw = zlib.compress(b"\x00\xff\x00\x00" * 1)
    png.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )
    icon = MethodIcon(kind="card", image=str(png), size=(80, 80))
    assert icon.shown == "image" and icon.children[0].source == str(png)
    icon.image = str(tmp_path / "missing.png")
    assert icon.shown == "card" and not icon.children


def both_qr_tiles_config(tmp_path: Path) -> Path:
    """The demo store with both QR tiles: "QR code payment (code on screen)" is the longest
    method name, two lines on a tile in English and Chinese."""
    config = tmp_path / "kiosk.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[plugins.pay_qr]\n", '[plugins.pay_qr]\nmode = "both"\n'),
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("large", [False, True])
def test_a_two_line_method_name_and_its_pictogram_stay_inside_the_tile(
    kiosk_factory, tmp_path, large: bool
):
    """GIVEN both QR tiles WHEN the methods screen shows in each language (large text off
    and on) THEN on every tile the name's lines and the pictogram above them are inside the
    tile and do not overlap (the pictogram stuck out of the top and the second line out of
    the bottom of the on-screen QR tile in English and Chinese)."""
    kiosk = kiosk_factory(config_file=both_qr_tiles_config(tmp_path))
    if large:
        kiosk.ctl.toggle_large_text()
    kiosk.ctl.scan(Scan(ONIGIRI, Symbology.EAN13, "test"))
    kiosk.settle()
    kiosk.tap(kiosk.widget("pay", "shopping"))
    methods = kiosk.wait_screen("methods")
    for language in ("en", "zh-Hans", "ko", "ja"):
        kiosk.ctl.language = language
        kiosk.settle()
        tiles = list(methods.ids.tiles.children)
        assert "qr_merchant" in {t.method_id for t in tiles}
        for tile in tiles:
            icon = next(c for c in tile.children if isinstance(c, MethodIcon))
            name_height = tile.texture_size[1] - tile.padding[1] - tile.padding[3]
            name_bottom = tile.center_y - tile.texture_size[1] / 2
            where = (language, tile.text, tuple(tile.size), tuple(icon.size))
            assert tile.texture_size[1] <= tile.height + 0.5, where
            assert icon.top <= tile.top + 0.5 and icon.y >= name_bottom + name_height - 0.5, where
            assert icon.width > 20, where
