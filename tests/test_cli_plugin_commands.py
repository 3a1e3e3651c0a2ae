"""Plugins add `kiosk <command>` subcommands (kiosk_cli_commands); the core's stay theirs."""

from __future__ import annotations

import argparse

from kiosk.cli_commands import CliCommand, add_plugin_commands
from kiosk.hookspecs import hookimpl
from kiosk.plugins import PluginHost


def _hello(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", default="world")
    parser.set_defaults(handler=lambda config, args: print(f"hello {args.name}") or 0)


def _broken(parser: argparse.ArgumentParser) -> None:
    raise RuntimeError("boom")


class Vendor:
    @hookimpl
    def kiosk_cli_commands(self):
        return [
            CliCommand("hello", "say hello", _hello, needs_store=False),
            CliCommand("run", "tries to replace `kiosk run`", _hello),
            CliCommand("broken", "cannot set up", _broken),
        ]


class Wrong:
    @hookimpl
    def kiosk_cli_commands(self):
        return [{"name": "oops"}]


def _parser(host: PluginHost) -> tuple[argparse.ArgumentParser, list[str]]:
    parser = argparse.ArgumentParser(prog="kiosk")
    sub = parser.add_subparsers(required=True)
    sub.add_parser("run").set_defaults(handler="core")
    return parser, add_plugin_commands(sub, host, set(sub.choices))


def test_a_plugin_command_is_added_and_runs(capsys):
    """GIVEN a plugin with commands WHEN the parser is built THEN its command parses and runs;
    a core name and a command that cannot set up its arguments are left out."""
    host = PluginHost()
    host.register(Vendor(), "vendor")
    parser, added = _parser(host)
    assert added == ["hello"]
    args = parser.parse_args(["hello", "--name", "kiosk"])
    assert args.needs_store is False and args.handler(None, args) == 0
    assert capsys.readouterr().out == "hello kiosk\n"
    assert parser.parse_args(["run"]).handler == "core"


def test_a_wrong_result_disables_the_plugin_naming_the_field():
    """GIVEN kiosk_cli_commands returning a dict THEN the plugin is disabled with one message
    naming plugin, hook and item; the parser is built without it."""
    host = PluginHost()
    host.register(Wrong(), "wrong")
    _unused, added = _parser(host)
    assert added == []
    (problem,) = host.problems
    assert problem.plugin == "wrong" and problem.hook == "kiosk_cli_commands"
    assert "item [0]" in problem.message and "not a CliCommand" in problem.message
