"""Shopper-facing messages as keys, translated where they are shown (one path for all).

The domain, the runtime and plugins do not pick a language: they return a :class:`Message`
— an English gettext msgid with ``{name}`` fields, its parameters, and the gettext
*domain* that translates it. The screen (``kiosk.ui``) renders it in the shopper's language
with :func:`render`. A domain is the import name of the package that ships the catalogue:
``"kiosk"`` → ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po``, ``"plugins.coupons"`` →
``plugins/coupons/locale/<lang>/LC_MESSAGES/coupons.po``, a vendor's ``"acme_points"`` →
``acme_points/locale/<lang>/LC_MESSAGES/acme_points.po`` (docs/plugins.md). ``.po`` files
are compiled in memory by Babel on first use: no ``.mo`` files, no Debian gettext.

Parameters are rendered too: :class:`Amount` as yen in the language's format,
:class:`Localised` (store data such as a coupon's name, kept in several languages) by
picking the language, a nested :class:`Message` by rendering it; anything else with
``str``. Pure Python (no Kivy).
"""

from __future__ import annotations

import gettext
import importlib.util
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.domain.languages import LANGUAGES
from kiosk.domain.money import format_yen

_BABEL_LOCALE = {"ja": "ja", "en": "en", "zh-Hans": "zh_Hans", "ko": "ko"}
STORE_LANGUAGE = "ja"  # store data without the shopper's language falls back to this


def N_(key: str) -> str:
    """Marks ``key`` as a message key (msgid) where it is written, returned unchanged.

    For keys that are passed on before they become a :class:`Message` (an exception's
    reason, a table of texts): ``kiosk.messages_check`` finds them by this marker and
    checks every catalogue has them (docs/plugins.md "Translations")."""
    return key


@dataclass(frozen=True, slots=True)
class Amount:
    """A yen amount inside a message, formatted for the shopper's language."""

    yen: int


@dataclass(frozen=True, slots=True)
class Localised:
    """Text the store keyed in several languages (a coupon's or promotion's name).

    Not translated: the shopper's language is picked, else the store's own (Japanese),
    else any. ``texts`` is a tuple of ``(language, text)`` pairs so the value is hashable.
    """

    texts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **texts: str) -> Localised:
        """``Localised.of(ja="…", en="…")``; ``zh_Hans`` stands for ``zh-Hans``."""
        return cls(tuple((k.replace("_", "-"), v) for k, v in texts.items() if v))

    @classmethod
    def from_keys(cls, data: Mapping[str, Any], prefix: str, **defaults: str) -> Localised:
        """Store data keyed per language in a settings table: ``label_ja``, ``label_en``,
        ``label_zh_Hans`` (or ``"label_zh-Hans"``), ``label_ko`` for ``prefix="label"``;
        ``defaults`` (``ja=…, en=…``) where a key is missing."""
        texts = []
        for language in LANGUAGES:
            under = language.replace("-", "_")
            text = data.get(f"{prefix}_{under}") or data.get(f"{prefix}_{language}")
            text = text or defaults.get(under, "")
            if text:
                texts.append((language, str(text)))
        return cls(tuple(texts))

    def pick(self, language: str) -> str:
        found = dict(self.texts)
        for lang in (language, STORE_LANGUAGE):
            if found.get(lang):
                return found[lang]
        return next(iter(found.values()), "")


@dataclass(frozen=True, slots=True)
class Message:
    """``key``: the English msgid (``"Coupon accepted: {label}."``); ``params`` its fields."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    domain: str = "kiosk"

    @classmethod
    def of(cls, key: str, domain: str = "kiosk", **params: Any) -> Message:
        return cls(key, tuple(params.items()), domain)

    def render(self, language: str) -> str:
        return render(self, language)


def package_domain(module: str) -> str:
    """The gettext domain of the plugin whose code is in ``module``: the package that ships
    its ``locale/`` — ``"plugins.handoff.plugin"`` → ``"plugins.handoff"``, a vendor's
    ``"acme_points.plugin"`` → ``"acme_points"``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "plugins" and len(parts) > 1 else parts[0]


def locale_dir(domain: str) -> Path | None:
    """``<package of domain>/locale``, or None if the package cannot be found."""
    try:
        spec = importlib.util.find_spec(domain)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "locale"


def po_path(domain: str, language: str) -> Path | None:
    base = locale_dir(domain)
    name = domain.rsplit(".", 1)[-1]
    return None if base is None else base / language / "LC_MESSAGES" / f"{name}.po"


@cache
def catalogue(domain: str, language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``domain`` for ``language`` (msgids pass through if none)."""
    path = po_path(domain, language)
    if path is None or not path.is_file():
        return gettext.NullTranslations()
    return compile_po(path, language, domain)


def compile_po(path: Path, language: str, domain: str) -> gettext.GNUTranslations:
    """The ``.po`` file at ``path`` compiled in memory (Babel; no ``.mo`` file written)."""
    with path.open("rb") as handle:
        po = read_po(handle, locale=_BABEL_LOCALE.get(language, "en"), domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def render(
    message: Message, language: str, overrides: Mapping[str, Mapping[str, str]] | None = None
) -> str:
    """``message`` in ``language``; ``overrides`` (a theme's strings) win for core msgids."""
    template = None
    if overrides and message.domain == "kiosk":
        template = overrides.get(language, {}).get(message.key)
    if not template:
        template = catalogue(message.domain, language).gettext(message.key)
    if not message.params:
        return template
    values = {name: render_param(value, language, overrides) for name, value in message.params}
    return template.format(**values)


def render_param(value: Any, language: str, overrides: Any = None) -> str:
    if isinstance(value, Amount):
        return format_yen(value.yen, language)
    if isinstance(value, Localised):
        return value.pick(language)
    if isinstance(value, Message):
        return render(value, language, overrides)
    return str(value)


def side_by_side(message: Message, languages: tuple[str, ...] = ("ja", "en")) -> str:
    """``message`` in Japanese and English, ``"… / …"``: staff output that shows both
    (the CLI, the staff overlay) renders the one key twice, from the catalogue."""
    return " / ".join(render(message, language) for language in languages)


def store_text(**texts: str) -> Message:
    """A message that is only store data (a coupon's name): ``store_text(ja=…, en=…)``."""
    return Message.of("{text}", text=Localised.of(**texts))


def product_name(product: Any) -> Localised:
    """A product's name in every language the catalogue has it in."""
    names = dict(getattr(product, "names", {}) or {})
    return Localised((("ja", product.name_ja), ("en", product.name_en), *names.items()))


def scan_claim(plugin: str, message: Message, payload: Any = None) -> Any:
    """A :class:`~kiosk.domain.events.ScanClaim` saying ``message`` (``claim.text(lang)``
    renders it, for logs, scripts and tests)."""
    from kiosk.domain.events import ScanClaim

    return ScanClaim(plugin, message=message, payload=payload)
