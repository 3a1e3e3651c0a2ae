"""Which message keys the code uses, and whether each catalogue translates them all.

One i18n path (docs/plugins.md "Translations"): every shopper- or staff-visible string is
an English msgid marked in code, translated by the gettext catalogue of the package that
marks it — ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po`` for the core,
``plugins/<name>/locale/<lang>/LC_MESSAGES/<name>.po`` for a plugin — in each of
:data:`kiosk.messages.LANGUAGES`. This module finds the keys by reading the source (an AST
scan, nothing is imported or run) and checks the ``.po`` files; ``tests/test_catalogues.py``
runs it on the core and every plugin, and a vendor can run it on their own package.

What counts as a key (the first argument, when it is a string literal):

- ``t("…")`` / ``ctl.t("…")`` (the screen's translator, also in ``.kv`` files) → ``kiosk``;
  ``ctl.t("…", domain=DOMAIN)`` in a plugin → the plugin's own domain;
- ``N_("…")`` / ``_("…")`` in the core → ``kiosk``;
- ``runtime.translate("…")`` (the plugin's door, :class:`kiosk.plugin_context.PluginContext`)
  → the plugin's own domain, or the ``domain="…"`` it names;
- ``Message.of("…")`` → ``kiosk``; ``Message.of("…", DOMAIN)`` (any second argument) → the
  plugin's own domain;
- in a plugin, ``N_("…")``/``_("…")`` and its message helper (any function whose name ends in
  ``_message``, e.g. ``coupon_message("…")``) → the plugin's own domain.

Keys that are only placeholders (``"{text}"``: store data shown as it is) need no entry.
``.mo`` files are not shipped: the ``.po`` files are compiled in memory by Babel when first
used (:func:`kiosk.messages.catalogue`), so "compiled and up to date" is checked by
compiling each one here.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk.messages import _BABEL_LOCALE, LANGUAGES

_MARKERS = {"t", "_", "N_"}
_ONLY_FIELDS = re.compile(r"^(\{[a-z_]+\}\s*)+$")


@dataclass(frozen=True, slots=True)
class Use:
    """A key used in code: its gettext domain, the msgid and where it is."""

    domain: str
    msgid: str
    where: str  # "path:line"


def _callee(node: ast.Call) -> tuple[str, str]:
    """``(owner, name)``: ``Message.of`` → ``("Message", "of")``, ``t`` → ``("", "t")``."""
    func = node.func
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else ""
        return owner_name, func.attr
    return "", ""


def _domain_of(call: ast.Call, owner: str, name: str, own_domain: str) -> str | None:
    """The domain a marked call translates in, or None if the call is not a marker."""
    if owner == "Message" and name == "of":
        has_domain = len(call.args) > 1 or any(k.arg == "domain" for k in call.keywords)
        return own_domain if has_domain else "kiosk"
    if name == "t":
        # the screen's translator: the core's catalogue unless the call names a domain
        return own_domain if any(k.arg == "domain" for k in call.keywords) else "kiosk"
    if name == "translate" and owner != "self":
        # a plugin's door, runtime.translate("…"): its own catalogue unless domain="kiosk"
        for keyword in call.keywords:
            if keyword.arg == "domain" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return own_domain
    if name in _MARKERS:
        return own_domain
    if name.endswith("_message") and not owner[:1].isupper():
        return own_domain if own_domain != "kiosk" else None
    return None


def uses_in(path: Path, own_domain: str, root: Path) -> Iterator[Use]:
    """The keys marked in one Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        domain = _domain_of(node, *_callee(node), own_domain)
        if domain is None or _ONLY_FIELDS.match(first.value):
            continue
        yield Use(domain, first.value, f"{path.relative_to(root)}:{node.lineno}")


_KV_CALL = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)+)"([^)]*)\)')


def uses_in_package(package: Path, domain: str, root: Path) -> list[Use]:
    """Every key marked in a package's ``.py`` files (and the core's ``.kv`` files)."""
    found: list[Use] = []
    for path in sorted(package.rglob("*.py")):
        if "tests" in path.relative_to(package).parts:
            continue
        found.extend(uses_in(path, domain, root))
    for path in sorted(package.rglob("*.kv")):
        text = path.read_text(encoding="utf-8")
        for match in _KV_CALL.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            # a plugin's kv names its own domain: ctl.t("…", ctl.language, domain="plugins.x")
            kv_domain = domain if "domain=" in match.group(2) else "kiosk"
            found.append(Use(kv_domain, match.group(1), f"{path.relative_to(root)}:{line}"))
    return found


def po_file(package: Path, domain: str, language: str) -> Path:
    return package / "locale" / language / "LC_MESSAGES" / f"{domain.rsplit('.', 1)[-1]}.po"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def problems(package: Path, domain: str, uses: Iterable[Use]) -> list[str]:
    """One line per missing, untranslated, fuzzy or mis-parameterised entry of ``domain``
    (the catalogues under ``package/locale``), for the keys in ``uses`` of that domain."""
    wanted: dict[str, str] = {}
    for use in uses:
        if use.domain == domain:
            wanted.setdefault(use.msgid, use.where)
    found: list[str] = []
    for language in LANGUAGES:
        path = po_file(package, domain, language)
        if not path.is_file():
            if wanted:
                found.append(f"{path}: missing ({len(wanted)} keys need it)")
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=_BABEL_LOCALE[language], domain=domain)
        for msgid, where in sorted(wanted.items()):
            entry = catalog.get(msgid)
            if entry is None:
                found.append(f"{path}: no entry for {msgid!r} (used at {where})")
            elif not entry.string:
                found.append(f"{path}: {msgid!r} is not translated (used at {where})")
            elif entry.fuzzy:
                found.append(f"{path}: {msgid!r} is fuzzy")
            elif _fields(str(entry.string)) != _fields(msgid):
                found.append(f"{path}: {msgid!r} has fields {sorted(_fields(entry.string))}")
        found.extend(
            f"{path}: {entry.id!r} is not translated"
            for entry in catalog
            if entry.id and not entry.string and entry.id not in wanted
        )
    return found


def packages(root: Path) -> Iterator[tuple[Path, str]]:
    """``(package folder, gettext domain)`` of the core, every plugin under ``root/plugins``
    and every example plugin package (``root/examples/<project>/<package>``: its domain is
    the package's import name, as a vendor's is)."""
    yield root / "kiosk", "kiosk"
    for folder in sorted((root / "plugins").iterdir()):
        if (folder / "__init__.py").is_file() or (folder / "plugin.py").is_file():
            yield folder, f"plugins.{folder.name}"
    for project in sorted((root / "examples").glob("*/pyproject.toml")):
        for folder in sorted(project.parent.iterdir()):
            if (folder / "__init__.py").is_file() and folder.name != "tests":
                yield folder, folder.name
