"""The operator's language for ``kiosk`` and ``kiosk-backoffice``: help and one-line errors.

A terminal says its language the POSIX way: the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
that is set (``ja_JP.UTF-8`` → ``ja``, ``zh_CN.UTF-8`` → ``zh-Hans``, ``ko_KR.UTF-8`` →
``ko``); anything else (``C``, ``en_US``, a language the product does not ship) is English.
Not the kiosk.toml's ``language``: that is the shoppers' first screen, and ``kiosk-backoffice``
has no such file. Texts are the core's gettext catalogue (``kiosk/locale``), marked with
:func:`_`; command and option names stay English. argparse's own words ("usage:", "options",
"the following arguments are required") are translated too, from the same catalogue, while
a parser is built and used (:func:`argparse_translated`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Mapping

from kiosk.messages import catalogue


def operator_language(environ: Mapping[str, str] | None = None) -> str:
    """``ja``, ``zh-Hans``, ``ko`` or ``en``, from the locale variables (POSIX order)."""
    env = os.environ if environ is None else environ
    value = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    tag = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    if tag.startswith(("zh_tw", "zh_hk", "zh_mo", "zh_hant")):
        return "en"  # Traditional Chinese is not shipped; English rather than the wrong script
    if tag == "zh" or tag.startswith("zh_"):
        return "zh-Hans"
    for prefix in ("ja", "ko"):
        if tag == prefix or tag.startswith(prefix + "_"):
            return prefix
    return "en"


def _(msgid: str) -> str:
    """``msgid`` (an English text of the core's catalogue) in the operator's language."""
    return catalogue("kiosk", operator_language()).gettext(msgid)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue("kiosk", operator_language()).ngettext(singular, plural, n)


@contextlib.contextmanager
def argparse_translated() -> Iterator[None]:
    """argparse's own words from our catalogue while the block runs.

    argparse looks them up through its module's ``_``/``ngettext`` (``gettext`` of the
    process's text domain, which needs ``.mo`` files); the catalogue is compiled in memory
    instead, so the two names are swapped for the block and put back after."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class OperatorParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose section headings take the language's colon: argparse
    writes ``heading:`` itself, and Japanese and Chinese write "オプション：" (full width).
    Subcommands' parsers are of the same class (``add_subparsers`` passes it on)."""

    def format_help(self) -> str:
        text = super().format_help()
        if operator_language() not in FULL_WIDTH_COLON:
            return text
        for heading in {group.title for group in self._action_groups if group.title}:
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text


#: languages whose "label：value" takes the full-width colon (as ``ctl.labelled`` on screen)
FULL_WIDTH_COLON = frozenset({"ja", "zh-Hans"})
