"""Each hook is called by the runtime at its point of the sale, with the documented arguments."""

from kiosk.domain.events import AgeApproval, AttendantReason, CheckoutState, ScanClaim
from kiosk.domain.receipt import ReceiptSection
from kiosk.domain.report_section import ReportSection
from kiosk.domain.scan import Scan, Symbology
from kiosk.hookspecs import hookimpl
from kiosk.messages import Message
from kiosk.plugins import PluginHost

ONIGIRI, BEER = "4901234000018", "4901234000292"


class Recorder:
    def __init__(self):
        self.calls = []

    @hookimpl
    def kiosk_startup(self, runtime):
        self.calls.append(("startup", runtime.config.kiosk_id))

    @hookimpl
    def kiosk_shutdown(self, runtime):
        self.calls.append(("shutdown", runtime.config.kiosk_id))

    @hookimpl
    def kiosk_masterdata_applied(self, runtime, version):
        self.calls.append(("masterdata_applied", version))

    @hookimpl
    def kiosk_basket_changed(self, checkout):
        self.calls.append(("basket_changed", checkout.totals.total))

    @hookimpl
    def kiosk_state_changed(self, old, new):
        self.calls.append(("state_changed", old.value, new.value))

    @hookimpl
    def kiosk_attendant_needed(self, reason):
        self.calls.append(("attendant_needed", reason.value))

    @hookimpl
    def kiosk_sale_completed(self, sale):
        self.calls.append(("sale_completed", sale.total))

    @hookimpl
    def kiosk_device_status(self, device, status):
        self.calls.append(("device_status", device, status))

    @hookimpl
    def kiosk_receipt_sections(self, sale):
        return [ReceiptSection("ポイント / Points", (f"今回 {sale.total // 100} pt",))]


def test_lifecycle_and_event_hooks_follow_the_sale(make_runtime):
    runtime = make_runtime()
    recorder = Recorder()
    runtime.host.register(recorder, "recorder")
    runtime.start()
    runtime.handle_scan(Scan(ONIGIRI))
    runtime.handle_scan(Scan(BEER))
    runtime.checkout.approve("S001")
    sale = runtime.pay("cash")
    runtime.report_device_status("printer", "paper near end")
    runtime.masterdata_applied(7)  # what the sync thread calls after applying version 7
    runtime.finish()
    lines = runtime.receipt_lines(sale)
    runtime.shutdown()
    calls = recorder.calls
    assert calls[0] == ("startup", "K01")
    assert ("state_changed", "idle", "shopping") in calls
    assert ("basket_changed", 150) in calls and ("basket_changed", 378) in calls
    assert ("attendant_needed", "age_check") in calls
    assert ("sale_completed", 378) in calls
    assert ("device_status", "printer", "paper near end") in calls
    assert ("masterdata_applied", 7) in calls
    assert calls[-1] == ("shutdown", "K01")
    assert "今回 3 pt" in lines


def test_claim_scan_takes_a_member_card_before_product_lookup(runtime):
    class Loyalty:
        @hookimpl
        def kiosk_claim_scan(self, scan, checkout):
            if scan.code.startswith("MEMBER:"):
                return ScanClaim("loyalty", Message.of("Code accepted"))
            return None

    runtime.host.register(Loyalty(), "loyalty")
    outcome = runtime.handle_scan(Scan("MEMBER:0001", Symbology.QR))
    assert outcome.claim is not None and outcome.claim.plugin == "loyalty"
    assert runtime.checkout.basket.is_empty()
    assert runtime.handle_scan(Scan(ONIGIRI)).line_id == 1


def test_unclaimed_qr_payload_gets_a_clear_message(runtime):
    outcome = runtime.handle_scan(Scan("https://example.invalid/x", Symbology.QR))
    assert not outcome.accepted
    assert outcome.error_text("en") and outcome.error_text("ko") != outcome.error_text("en")


def test_age_check_hook_approves_without_staff(runtime):
    class DigitalId:
        @hookimpl
        def kiosk_age_check(self, line, checkout):
            return AgeApproval("mynumber-card", assurance_level=2)

    runtime.host.register(DigitalId(), "digital_id")
    runtime.handle_scan(Scan(BEER))
    assert runtime.checkout.state is CheckoutState.SHOPPING
    assert runtime.checkout.basket.lines[0].age_approved_by == "digital:mynumber-card"
    assert AttendantReason.AGE_CHECK not in runtime.checkout.pending_reasons


def test_payment_methods_hook_lists_the_builtin_methods(runtime):
    runtime.handle_scan(Scan(ONIGIRI))
    assert {"cash", "card", "emoney", "qr"} <= {m.id for m in runtime.payment_methods()}
    assert runtime.methods_unavailable() == []  # every network up: nothing is missing
    qr = runtime.method("qr")
    qr.network_up = lambda: False  # its provider does not answer; cash needs none
    offline = {m.id for m in runtime.payment_methods()}
    assert "cash" in offline and "qr" not in offline
    # what went is named, so the screen can say why; what still works is not among it
    held = {m.id for m in runtime.methods_unavailable()}
    assert "qr" in held and not held & offline
    del qr.network_up
    assert held | offline == {m.id for m in runtime.payment_methods()}


def test_scan_sources_hook_feeds_scans_to_the_runtime(runtime):
    class ListSource:
        name = "list"

        def __init__(self):
            self.stopped = False

        def start(self, emit):
            emit(Scan(ONIGIRI, Symbology.EAN13, "list"))

        def stop(self):
            self.stopped = True

    source = ListSource()

    class Provider:
        @hookimpl
        def kiosk_scan_sources(self, runtime):
            return [source]

    runtime.host.register(Provider(), "provider")
    started = runtime.start_scan_sources(runtime.handle_scan)
    assert started == [source]
    assert runtime.checkout.totals.total == 150


def test_driver_and_back_office_hooks_are_callable_through_the_host():
    class Vendor:
        @hookimpl
        def kiosk_register_drivers(self, registry):
            registry.append(("Scanner", "vendor-x"))

        @hookimpl
        def kiosk_report_sections(self, report):
            return [ReportSection(f"Loyalty {report}", ("Points",), ((12,),))]

        @hookimpl
        def kiosk_export_formats(self):
            return ["freee-csv"]

    host = PluginHost()
    host.register(Vendor(), "vendor")
    registry = []
    host.call("kiosk_register_drivers", registry=registry)
    assert registry == [("Scanner", "vendor-x")]
    assert host.call_each("kiosk_report_sections", report="daily") == [
        ReportSection("Loyalty daily", ("Points",), ((12,),))
    ]
    assert host.call_each("kiosk_export_formats") == ["freee-csv"]
