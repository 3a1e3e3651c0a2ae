"""The host lets pluggy run each hook: firstresult stops the loop, wrappers wrap; each
implementation is still isolated (issue 19)."""

from __future__ import annotations

import threading
import time

from kiosk.config import load_config
from kiosk.domain.events import ScanClaim
from kiosk.hookspecs import hookimpl
from kiosk.plugins import DEFAULT_STARTUP_DEADLINE_S, PluginHost


class Claims:
    def __init__(self, tag, calls):
        self.tag, self.calls = tag, calls

    @hookimpl
    def kiosk_claim_scan(self, scan):
        self.calls.append(self.tag)
        return ScanClaim(self.tag) if self.tag != "declines" else None


def test_firstresult_stops_at_the_first_taker():
    """GIVEN three claimers (last registered is called first) WHEN a scan is offered
    THEN the one after a decline takes it and the earliest registered is never called."""
    calls: list[str] = []
    host = PluginHost()
    host.register(Claims("never-asked", calls), "a")
    host.register(Claims("takes-it", calls), "b")
    host.register(Claims("declines", calls), "c")
    assert host.call_first("kiosk_claim_scan", scan=None, checkout=None).plugin == "takes-it"
    assert calls == ["declines", "takes-it"]
    assert host.call("kiosk_claim_scan", scan=None, checkout=None)[0].plugin == "takes-it"


class Sections:
    @hookimpl
    def kiosk_receipt_sections(self, sale):
        return []


class NewStyleWrapper:
    @hookimpl(wrapper=True)
    def kiosk_adjust_basket(self, basket):
        result = yield
        return [*result, "wrapped"]


class OldStyleWrapper:
    def __init__(self):
        self.seen = None

    @hookimpl(hookwrapper=True)
    def kiosk_receipt_sections(self, sale):
        outcome = yield
        self.seen = outcome.get_result()


class BrokenWrapper:
    @hookimpl(wrapper=True)
    def kiosk_receipt_sections(self, sale):
        raise RuntimeError("wrapper bug")
        yield  # pragma: no cover - makes this a generator


class Adjusts:
    @hookimpl
    def kiosk_adjust_basket(self, basket):
        return []


def test_new_style_wrapper_sees_and_changes_the_results():
    host = PluginHost()
    host.register(Adjusts(), "adjusts")
    host.register(NewStyleWrapper(), "wrapper")
    # the wrapper's own result is not type-checked (it is not an implementation's result)
    assert host.call("kiosk_adjust_basket", basket=None, context=None) == [[], "wrapped"]


def test_old_style_hookwrapper_sees_the_results():
    host = PluginHost()
    host.register(Sections(), "sections")
    wrapper = OldStyleWrapper()
    host.register(wrapper, "old")
    assert host.call("kiosk_receipt_sections", sale=None) == [[]]
    assert wrapper.seen == [[]]


def test_a_raising_wrapper_is_disabled_and_the_call_goes_on():
    host = PluginHost()
    host.register(Sections(), "sections")
    host.register(BrokenWrapper(), "broken")
    assert host.call("kiosk_receipt_sections", sale=None) == [[]]
    assert "broken" not in host.names
    [problem] = host.problems
    assert problem.plugin == "broken" and "wrapper raised RuntimeError: wrapper bug" in (
        problem.message
    )


class SlowStart:
    def __init__(self):
        self.release = threading.Event()

    @hookimpl
    def kiosk_startup(self, runtime):
        self.release.wait(0.4)  # slower than an ordinary hook may be, well within startup


def test_startup_gets_the_longer_configurable_deadline():
    host = PluginHost(deadline_s=0.1, startup_deadline_s=30)
    host.register(SlowStart(), "slow")
    host.call("kiosk_startup", runtime=None)
    assert "slow" in host.names and not host.problems
    assert host.deadline_for("kiosk_startup") == 30
    assert host.deadline_for("kiosk_claim_scan") == 0.1


def test_startup_deadline_is_a_setting(tmp_path, monkeypatch):
    assert load_config(None, data_dir=tmp_path).plugin_startup_deadline_s == (
        DEFAULT_STARTUP_DEADLINE_S
    )
    monkeypatch.setenv("KIOSK_PLUGINS__STARTUP_DEADLINE_S", "45")
    monkeypatch.setenv("KIOSK_PLUGINS__HOOK_DEADLINE_S", "3")
    config = load_config(None, data_dir=tmp_path)
    assert (config.plugin_startup_deadline_s, config.plugin_hook_deadline_s) == (45.0, 3.0)
    from kiosk.app import build_plugin_host

    host = build_plugin_host(config)
    assert (host.startup_deadline_s, host.deadline_s) == (45.0, 3.0)


class SlowRouters:
    @hookimpl
    def kiosk_backoffice_routers(self):
        time.sleep(0.4)  # a first import of the plugin's routes on a loaded machine
        return []


def test_declaration_hooks_get_the_startup_deadline():
    """A back-office worker starting on loaded cores must not come up without a plugin's
    routes because importing them overran the per-call deadline."""
    host = PluginHost(deadline_s=0.1, startup_deadline_s=30)
    host.register(SlowRouters(), "slow")
    assert host.call_each("kiosk_backoffice_routers") == []
    assert "slow" in host.names and not host.problems
    assert host.deadline_for("kiosk_backoffice_routers") == 30
    assert host.deadline_for("kiosk_export_formats") == 0.1  # called per request
