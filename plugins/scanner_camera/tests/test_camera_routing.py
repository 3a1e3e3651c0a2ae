"""QR payloads go out as Scan(symbology=QR); plugins claim them through kiosk_claim_scan."""

from __future__ import annotations

import pluggy

from kiosk import hookspecs
from kiosk.domain.scan import Symbology
from kiosk.hookspecs import hookimpl
from plugins.scanner_camera.decoder import decode
from plugins.scanner_camera.source import scan_from

from .factories import clutter, on_background, render_linear, render_qr


class Claimer:
    """A plugin that claims QR payloads starting with one of ``prefixes``."""

    def __init__(self, name: str, prefixes: tuple[str, ...]) -> None:
        self.name = name
        self.prefixes = prefixes
        self.asked: list[str] = []

    @hookimpl
    def kiosk_claim_scan(self, scan, checkout):
        self.asked.append(scan.code)
        if scan.symbology is Symbology.QR and scan.code.startswith(self.prefixes):
            return f"{self.name} took {scan.code}"
        return None


def manager(*plugins: Claimer) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("kiosk")
    pm.add_hookspecs(hookspecs)
    for plugin in plugins:
        pm.register(plugin, name=plugin.name)
    return pm


def camera_scan(payload: str):
    frame = on_background(render_qr(payload), clutter(seed=7), (120, 60))
    (code,) = decode(frame)
    return scan_from(code, "camera")


def test_function_qr_claimed_by_first_taker():
    """GIVEN two plugins that both take PAY: codes WHEN a PAY: QR is shown THEN the first
    one pluggy asks takes it and the other is never asked."""
    coupons = Claimer("coupons", ("COUPON:", "PAY:"))
    wallet = Claimer("wallet", ("PAY:",))
    pm = manager(coupons, wallet)  # pluggy asks the last registered first
    scan = camera_scan("PAY:ORDER-991")
    assert scan.symbology is Symbology.QR and scan.source == "camera"
    assert pm.hook.kiosk_claim_scan(scan=scan, checkout=None) == "wallet took PAY:ORDER-991"
    assert wallet.asked == ["PAY:ORDER-991"]
    assert coupons.asked == []


def test_function_other_claimer_gets_its_own_payload():
    coupons = Claimer("coupons", ("COUPON:",))
    wallet = Claimer("wallet", ("PAY:",))
    pm = manager(coupons, wallet)
    result = pm.hook.kiosk_claim_scan(scan=camera_scan("COUPON:SPRING10"), checkout=None)
    assert result == "coupons took COUPON:SPRING10"
    assert wallet.asked == ["COUPON:SPRING10"]


def test_function_unknown_payload_is_claimed_by_nobody():
    pm = manager(Claimer("coupons", ("COUPON:",)), Claimer("wallet", ("PAY:",)))
    assert (
        pm.hook.kiosk_claim_scan(scan=camera_scan("https://example.com/x"), checkout=None) is None
    )


def test_function_product_codes_are_product_scans():
    (code,) = decode(render_linear("ean13", "490123456789"))
    scan = scan_from(code, "camera")
    assert (scan.code, scan.symbology) == ("4901234567894", Symbology.EAN13)
    pm = manager(Claimer("coupons", ("COUPON:",)))
    assert pm.hook.kiosk_claim_scan(scan=scan, checkout=None) is None
