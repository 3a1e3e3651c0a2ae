"""GIVEN a kiosk enrolled with [backoffice] url/token and no [plugins.handoff] server
settings WHEN the hand-off plugin starts THEN it reports to that server (the console sees
the kiosk); explicit [plugins.handoff] settings and ``report = false`` still win."""

from __future__ import annotations

from types import SimpleNamespace

from plugins.handoff.plugin import server_settings

CONFIG = SimpleNamespace(backoffice_url="http://bo:8700", backoffice_token="K01.secret")


def test_function_defaults_to_the_backoffice_settings():
    assert server_settings({}, CONFIG) == ("http://bo:8700", "K01.secret")


def test_function_handoff_settings_win():
    settings = {"server_url": "http://other:1", "token": "K09.x"}
    assert server_settings(settings, CONFIG) == ("http://other:1", "K09.x")


def test_function_report_false_opts_out():
    assert server_settings({"report": False}, CONFIG) == ("", "")


def test_function_standalone_kiosk_reports_nowhere():
    standalone = SimpleNamespace(backoffice_url="", backoffice_token="")
    assert server_settings({}, standalone) == ("", "")


def test_function_the_started_plugin_connects_to_the_backoffice(make_runtime):
    from plugins.handoff.plugin import handoff_for

    runtime = make_runtime(
        backoffice_url="http://127.0.0.1:9",  # nothing listens on the discard port
        backoffice_token="K01.secret",
        plugin_config={"handoff": {"autostart": False}},
    )
    plugin = handoff_for(runtime)
    assert plugin.reporter is not None
    assert str(plugin._client.base_url).startswith("http://127.0.0.1:9")
