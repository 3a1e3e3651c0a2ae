"""What plugins add to the back office: pages, templates, routers, migrations, event handlers,
sections, parts of the attendant console.

The back office loads its built-in plugins (:data:`BUILTIN_PLUGINS`, listed here in one
place, by module name: the core imports no ``plugins.*``) and the operator's allow-listed
entry points into one :class:`~kiosk.plugins.PluginHost`, then asks it once, at start, for
its contributions (:func:`collect`). The hooks return descriptions; the back office builds
and calls them itself — event handlers run inside the ingest transaction, on its thread.

Navigation, event handlers and master-data sections are read by module-level code (the page
chrome, ingest, the settings check) that has no request at hand, so :func:`install` makes
one set current for the process: one back office per process, as the server runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from kiosk.backoffice.kiosks.models import KioskRow
    from kiosk.backoffice.sales.ingest import OutboxEvent
    from kiosk.plugins import PluginHost

# Built-in features with back-office parts, registered through the hooks a vendor uses.
# (the host calls the last registered first: loyalty's pages come before tax-free's)
# coupons and promotions: only the checks of the rules the back office publishes;
# handoff: the semi-self hand-offs and their part of the attendant console
BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.handoff.plugin",
    "plugins.promotions",
    "plugins.coupons",
    "plugins.tax_free",
    "plugins.loyalty",
)

Handle = Callable[[Session, "KioskRow", "OutboxEvent", datetime], None]


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A link in the back office's navigation bar (``kiosk_backoffice_pages``).

    ``role``: the least staff role the page asks for ("attendant", "manager" or "admin");
    the bar shows the link only to staff who have it (the route still checks)."""

    href: str
    label: str
    role: str = "manager"

    def __post_init__(self) -> None:
        if self.role not in ("attendant", "manager", "admin"):
            raise ValueError(
                f"NavEntry {self.href}: role {self.role!r}: attendant, manager or admin"
            )


@dataclass(frozen=True, slots=True)
class TemplateFolder:
    """A plugin's Jinja2 templates (``kiosk_backoffice_templates``): the files of ``path``
    are named ``"<name>/<file>"`` in the back office's one environment (autoescaped), so a
    plugin page extends ``"core/base.html"`` and imports ``"core/macros.html"``.

    ``name`` is usually the plugin's own (``"loyalty"``); a back-office feature's name
    (``"reports"``) is refused, so no plugin can replace a core page's template."""

    name: str
    path: Path


@dataclass(frozen=True, slots=True)
class EventHandler:
    """Derive a plugin's rows from outbox events of ``kind`` (``kiosk_backoffice_event_handlers``)."""

    kind: str
    handle: Handle
    #: a pydantic model the door checks the payload against (types and bounds) before any
    #: handler runs: a bad one is a 422 naming the event and the field, as for core kinds
    schema: type | None = None


@dataclass(frozen=True, slots=True)
class MasterDataSection:
    """A setting published to kiosks in master data (``kiosk_masterdata_sections``).

    Published under ``name`` (not ``products``, ``config``, ``business_day_starts`` or
    another plugin's), ``default`` until a manager saves one. ``check(value)`` raises
    ``ValueError`` naming what is wrong; the manager sees it.
    """

    name: str
    default: Any
    check: Callable[[Any], None] | None = None


@dataclass(frozen=True, slots=True)
class TileField:
    """One figure a plugin adds to a kiosk's tile on the attendant console (``key`` names it
    for scripts and tests, ``label`` is what staff read, ``value`` the text shown)."""

    key: str
    label: str
    value: str


#: the console snapshot's own keys: a console part's ``name`` may not be one of them
CONSOLE_KEYS = frozenset({"at", "kiosks", "alerts"})
#: what a console part gets with its fields of a kiosk's report: (session, kiosk, part, now)
ReportReceive = Callable[[Session, "KioskRow", Any, datetime], None]


@dataclass(frozen=True, slots=True)
class ConsolePart:
    """A plugin's part of the attendant console (``kiosk_backoffice_console``).

    Every field but ``name`` is optional:

    - ``report``: a pydantic model of the top-level console-report fields this plugin reads
      (a kiosk's ``POST /api/v1/console/report``). The door takes those keys out of the
      report, checks them against it (a bad one is the report's 422) and checks the rest
      against the core's report; ``receive(session, kiosk, part, now)`` then gets the checked
      model inside the report's transaction.
    - ``tile(session, kiosk_id, now)``: :class:`TileField` figures for that kiosk's tile.
    - ``snapshot(session, now)``: a JSON value the live console gets under ``name`` in every
      snapshot; it runs in a transaction (it may expire the plugin's own rows).
    - ``script`` / ``stylesheet``: same-origin paths (served by the plugin's router) the
      console page loads after its own; the script reads ``window.kioskConsole`` (``h``,
      ``fill``, ``text``, ``label``, ``yen``, ``lastSnapshot``) and listens for the
      document's ``console:snapshot`` event (``event.detail`` is the snapshot).
    """

    name: str
    report: type | None = None
    receive: ReportReceive | None = None
    tile: Callable[[Session, str, datetime], Sequence[TileField]] | None = None
    snapshot: Callable[[Session, datetime], Any] | None = None
    script: str | None = None
    stylesheet: str | None = None


#: the names of the core's settings and snapshot keys: a plugin's section may not take one
CORE_SETTINGS = frozenset({"products", "config", "business_day_starts"})


def _sections(sections: tuple[MasterDataSection, ...]) -> tuple[MasterDataSection, ...]:
    """Refuse a section that would take a core setting's name or another section's."""
    names: set[str] = set(CORE_SETTINGS)
    for section in sections:
        if section.name in names or not 0 < len(section.name) <= 64:
            raise ValueError(f"kiosk_masterdata_sections: the name {section.name!r} is taken")
        names.add(section.name)
    return sections


def _console_parts(parts: tuple[ConsolePart, ...]) -> tuple[ConsolePart, ...]:
    """Refuse a part that would take a core name or a field another part reads."""
    from kiosk.backoffice.sales.schemas import ConsoleReport

    names: set[str] = set(CONSOLE_KEYS)
    fields: set[str] = set(ConsoleReport.model_fields)
    for part in parts:
        if part.name in names:
            raise ValueError(f"kiosk_backoffice_console: the name {part.name!r} is taken")
        names.add(part.name)
        mine = set(getattr(part.report, "model_fields", {}))
        if mine & fields:
            taken = ", ".join(sorted(mine & fields))
            raise ValueError(
                f"kiosk_backoffice_console: {part.name}: report field {taken} is taken"
            )
        fields |= mine
    return parts


@dataclass(frozen=True)
class Extensions:
    routers: tuple[Any, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    handlers: tuple[EventHandler, ...] = ()
    sections: tuple[MasterDataSection, ...] = ()
    migrations: tuple[Path, ...] = field(default=())
    templates: tuple[TemplateFolder, ...] = ()
    console: tuple[ConsolePart, ...] = ()

    def handlers_for(self, kind: str) -> list[Handle]:
        return [h.handle for h in self.handlers if h.kind == kind]

    def schema_for(self, kind: str) -> Any:
        """The payload schema a handler of ``kind`` declared, or None."""
        return next((h.schema for h in self.handlers if h.kind == kind and h.schema), None)


_current = Extensions()


def builtin_host(entry_points: Iterable[Any] = ()) -> PluginHost:
    """A plugin host with the back office's built-ins and the allow-listed entry points."""
    from kiosk.plugins import PluginHost

    host = PluginHost()
    host.load_builtins(BUILTIN_PLUGINS)
    host.load_entry_points(entry_points)
    host.check()
    return host


def _typed(items: list[Any], kind: type, hook: str) -> tuple[Any, ...]:
    wrong = [item for item in items if not isinstance(item, kind)]
    if wrong:
        raise TypeError(f"{hook} returned {wrong[0]!r}, not a {kind.__name__}")
    return tuple(items)


def migration_locations(host: PluginHost) -> tuple[Path, ...]:
    """The version folders the plugins' ``kiosk_backoffice_migrations`` name."""
    return tuple(Path(p) for p in host.call_each("kiosk_backoffice_migrations"))


def in_load_order(host: PluginHost, hook: str) -> list[Any]:
    """What each plugin's ``hook`` returns, flattened, plugin by plugin in the order they were
    loaded: the built-ins as :data:`BUILTIN_PLUGINS` lists them, then the allow-listed entry
    points (pluggy calls the last registered first; a page that lists the items, such as the
    master-data sections, reads better in the order the plugins are listed)."""
    return [item for result in reversed(host.call(hook)) for item in result or ()]


def collect(host: PluginHost) -> Extensions:
    from fastapi import APIRouter

    return Extensions(
        routers=_typed(
            host.call_each("kiosk_backoffice_routers"), APIRouter, "kiosk_backoffice_routers"
        ),
        nav=_typed(host.call_each("kiosk_backoffice_pages"), NavEntry, "kiosk_backoffice_pages"),
        handlers=_typed(
            host.call_each("kiosk_backoffice_event_handlers"),
            EventHandler,
            "kiosk_backoffice_event_handlers",
        ),
        sections=_sections(
            _typed(
                in_load_order(host, "kiosk_masterdata_sections"),
                MasterDataSection,
                "kiosk_masterdata_sections",
            )
        ),
        migrations=migration_locations(host),
        templates=_typed(
            host.call_each("kiosk_backoffice_templates"),
            TemplateFolder,
            "kiosk_backoffice_templates",
        ),
        console=_console_parts(
            _typed(
                host.call_each("kiosk_backoffice_console"),
                ConsolePart,
                "kiosk_backoffice_console",
            )
        ),
    )


def install(extensions: Extensions) -> None:
    global _current
    _current = extensions


def current() -> Extensions:
    return _current


def nav_entries() -> Sequence[NavEntry]:
    return _current.nav
