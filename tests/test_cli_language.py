"""GIVEN an operator whose terminal is in Japanese, Chinese, Korean or English (LC_ALL,
LC_MESSAGES, LANG) WHEN they ask ``kiosk`` or ``kiosk-backoffice`` for help, or a command
fails THEN the help and the one-line error are in that language, from the core's catalogue,
with the command and option names in English."""

from __future__ import annotations

import argparse

import pytest

from kiosk.backoffice.cli import main as backoffice_main
from kiosk.cli import main as kiosk_main
from kiosk.cli_language import operator_language
from kiosk.messages import catalogue

LANG_OF = {"en": "en_US.UTF-8", "ja": "ja_JP.UTF-8", "zh-Hans": "zh_CN.UTF-8", "ko": "ko_KR.UTF-8"}


@pytest.fixture
def operator(monkeypatch):
    """``operator(language)``: the terminal's locale says ``language`` (LANG only)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)

    def use(language: str) -> None:
        monkeypatch.setenv("LANG", LANG_OF[language])

    return use


def t(language: str, msgid: str) -> str:
    return catalogue("kiosk", language).gettext(msgid)


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja"}, "ja"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-Hans"),
        ({"LANG": "zh_SG"}, "zh-Hans"),
        ({"LANG": "zh_TW.UTF-8"}, "en"),  # Traditional Chinese is not shipped
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, "ja"),
        ({"LC_ALL": "ko_KR.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "ja_JP"}, "ko"),
        ({"LC_ALL": "", "LANG": "ja_JP.eucJP@euro"}, "ja"),
    ],
)
def test_the_operator_language_is_the_terminal_locale(environ, language):
    assert operator_language(environ) == language


@pytest.mark.parametrize("language", ["en", "ja", "zh-Hans", "ko"])
def test_kiosk_help_is_in_the_operator_language(operator, capsys, language):
    operator(language)
    with pytest.raises(SystemExit) as done:
        kiosk_main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(t(language, "usage: ") + "kiosk ")
    for msgid in ("Self-checkout kiosk runtime", "check the store, plugins and devices"):
        assert t(language, msgid) in out
    assert "  doctor " in out and "--data-dir DATA_DIR" in out  # names stay English
    colon = "：" if language in ("ja", "zh-Hans") else ":"
    assert f"\n{t(language, 'options')}{colon}\n" in out
    if language != "en":
        assert "check the store, plugins and devices" not in out
        assert t(language, "options") != "options"


@pytest.mark.parametrize("language", ["en", "ja", "zh-Hans", "ko"])
def test_backoffice_subcommand_help_is_in_the_operator_language(operator, capsys, language):
    operator(language)
    with pytest.raises(SystemExit):
        backoffice_main(["add-staff", "--help"])
    out = capsys.readouterr().out
    assert out.startswith(t(language, "usage: ") + "kiosk-backoffice add-staff ")
    assert t(language, "show this help message and exit") in out
    assert "--password PASSWORD" in out and "{admin,manager,attendant}" in out
    if language != "en":
        assert "show this help message and exit" not in out


def test_every_help_text_of_both_commands_is_translated(operator):
    """Every help line of every core command and subcommand: in Japanese, none left in
    English (a help text added without a catalogue entry would show here in English).
    Plugins' commands (``kiosk tax-free``) bring their own texts and are left out."""
    from kiosk.backoffice.cli import _parser as backoffice_parser
    from kiosk.cli import _parser as kiosk_parser
    from kiosk.cli_commands import discovery_host
    from kiosk.cli_language import argparse_translated

    plugin_commands = {c.name for c in discovery_host([]).call_each("kiosk_cli_commands")}

    def helps(parser: argparse.ArgumentParser) -> list[str]:
        found = [parser.description] if parser.description else []
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                found.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if choice.dest not in plugin_commands and choice.help:
                        found.append(choice.help)
                for name, sub in action.choices.items():
                    if name not in plugin_commands:
                        found += helps(sub)
        return found

    operator("en")
    english = helps(kiosk_parser([])) + helps(backoffice_parser())
    operator("ja")
    with argparse_translated():
        japanese = helps(kiosk_parser([])) + helps(backoffice_parser())
    assert plugin_commands and len(english) == len(japanese) > 60
    assert [text for text in english if text in japanese] == []


def test_a_backoffice_error_is_one_line_in_the_operator_language(operator, capsys, tmp_path):
    operator("ja")
    missing = tmp_path / "backofice.sqlite3"
    assert backoffice_main(["--database-url", f"sqlite:///{missing}", "enrol-kiosk", "K01"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "kiosk-backoffice: " + t(
        "ja",
        "--database-url: no SQLite database at {path}; check the path (and DATABASE_URL), "
        "or make a new store there with `kiosk-backoffice migrate --create`",
    ).format(path=missing)
    assert "SQLite データベースがありません" in line and "migrate --create" in line


@pytest.mark.parametrize("language", ["ja", "zh-Hans", "ko"])
def test_a_usage_error_is_in_the_operator_language(operator, capsys, language):
    operator(language)
    with pytest.raises(SystemExit) as done:
        backoffice_main(["add-staff"])
    assert done.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    message = t(language, "the following arguments are required: %s") % "username"
    assert last == t(language, "%(prog)s: error: %(message)s\n").rstrip("\n") % {
        "prog": "kiosk-backoffice add-staff",
        "message": message,
    }


def test_a_kiosk_error_frame_is_in_the_operator_language(operator, capsys, tmp_path):
    """A misspelt setting: the frame ("configuration error") in the operator's language, the
    detail naming the file, section and key as the configuration check writes it."""
    operator("zh-Hans")
    config = tmp_path / "kiosk.toml"
    config.write_text("[store]\nnmae = 'x'\n", encoding="utf-8")
    assert kiosk_main(["--config", str(config), "sales", "list"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("kiosk: 配置错误：") and str(config) in line


def test_argparse_is_left_as_it_was(operator):
    """The translation is swapped in for the command only: argparse's own functions are
    back afterwards (other code in the same process, tests)."""
    before = argparse._, argparse.ngettext
    operator("ja")
    with pytest.raises(SystemExit):
        backoffice_main(["--help"])
    assert (argparse._, argparse.ngettext) == before
