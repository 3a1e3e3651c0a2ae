"""What a plugin's screens get of the UI: the controller as one plugin sees it.

Every UI hook (``kiosk_ui_screens(ctl)``, ``kiosk_ui_overlays(ctl)``) and everything the root
builds from their answers — ``screen(name=…, ctl=…)``, ``attach(root)``, an overlay's
``make(ctl)`` and ``shown(ctl)`` — gets a :class:`PluginController` for that plugin, not the
UI's :class:`~kiosk.ui.controller.Controller`. It is the surface built-in screens use:

- ``ctl.runtime`` is the plugin's own runtime: the door over its scoped view, the very
  object its hooks get (:mod:`kiosk.plugin_scope`): no ``host``, ``store``, ``checkout``,
  ``ledger`` or ``devices``; ``runtime.device(role)`` only with the manifest's ``devices``;
  its own plugin through ``runtime.plugin_api(<its name>)``;
- the controller's Kivy properties (``language``, ``theme``, ``fs_*``, ``target``, ``screen``,
  ``state``, ``rows``, ``total_text``, ``sale``…), read and bound in Python and kv as before;
  only :data:`WRITABLE` may be set;
- text and money: ``t``, ``translate``, ``render``, ``note_text``, ``claim_text``, ``yen``,
  ``labelled``, ``limit_text``; navigation and messages: ``go``, ``activity``, ``say``,
  ``ask``, ``show_failure``, ``set_language``, ``call_staff``, ``scan``, ``show_scan_outcome``;
  the runtime worker: ``run(job, done, failed)``, ``refresh``; the return screen:
  ``returns.open()``/``returns.rt(msgid)``;
- the hook points, append-only (:class:`HookPoints`): ``scan_interceptors``,
  ``claim_handlers``, ``start_handlers``, ``paid_listeners``, ``addressee_sources``.

Anything else — the raw runtime, the worker, the payment and staff flows, the return
model — raises :class:`~kiosk.plugin_scope.HiddenFromPlugin`. ``attach(root)`` gets a
:class:`PluginRoot`: the plugin's own screens as they are, the core's screens as their
``ids`` only (where a plugin adds its button). Like the scoped runtime this is least
privilege, not a sandbox: Kivy's widget tree (``widget.parent``) and ``App`` are the UI's
own and reachable by walking objects; trust in the code is the allow-list's job.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kivy.event import Observable

from kiosk.plugin_scope import HiddenFromPlugin, PluginAccessDenied

#: the controller's properties a plugin screen may set (navigation, its receipt note, the
#: points on the receipt screen, the hand-off console's cover and the station's home)
WRITABLE = frozenset(
    {"screen", "receipt_notes", "sale", "availability", "staff_station", "home_screen"}
)
#: the controller's methods a plugin screen may call (all UI-thread helpers or the worker)
METHODS = frozenset(
    {
        "t",
        "render",
        "note_text",
        "claim_text",
        "yen",
        "labelled",
        "limit_text",
        "go",
        "activity",
        "say",
        "ask",
        "show_failure",
        "set_language",
        "toggle_large_text",
        "call_staff",
        "scan",
        "scan_code",
        "run",
        "refresh",
        "departments",
        "search",
    }
)
#: where plugin screens hook into the core's (kiosk.ui.controller.Controller.__init__)
HOOK_POINTS = frozenset(
    {"scan_interceptors", "claim_handlers", "start_handlers", "paid_listeners", "addressee_sources"}
)


def _behind(handle: Any) -> Any:
    """What a handle below wraps: kept in its ``_behind`` slot, which the handle itself
    refuses to show (:class:`_Sealed`), so a plugin holding one finds no attribute leading
    back to the UI's controller. (An instance attribute, not a module-level table: a table
    keyed weakly by the handle, whose value leads back to it, would keep every stopped
    kiosk's UI alive.)"""
    return object.__getattribute__(handle, "_behind")


class _Sealed:
    """No private attribute (nor ``__dict__``) of the handle is readable through it."""

    __slots__ = ()

    def __getattribute__(self, attr: str) -> Any:
        if attr == "__dict__" or (attr.startswith("_") and not attr.startswith("__")):
            raise HiddenFromPlugin(f"a plugin may not use .{attr} of what the UI gives it")
        return object.__getattribute__(self, attr)


class HookPoints(_Sealed):
    """One of the controller's hook lists as a plugin holds it: it may add and remove its
    own callables, not read the others' (another plugin's model is not its business)."""

    __slots__ = ("_behind",)

    def __init__(self, items: list[Callable[..., Any]]) -> None:
        object.__setattr__(self, "_behind", items)

    def append(self, hook: Callable[..., Any]) -> None:
        _behind(self).append(hook)

    def remove(self, hook: Callable[..., Any]) -> None:
        _behind(self).remove(hook)

    def __contains__(self, hook: object) -> bool:
        return hook in _behind(self)


class ReturnsDoor(_Sealed):
    """The return screen as a plugin screen reaches it: open it, read its words."""

    __slots__ = ("_behind",)

    def __init__(self, ctl: Any) -> None:
        object.__setattr__(self, "_behind", ctl)

    def open(self, code: str = "") -> None:
        """Staff sign in on the staff overlay, then the core's return screen."""
        _behind(self).returns.open(code)

    def rt(self, msgid: str, *_watch: Any) -> str:
        """``msgid`` from the return screen's catalogue, in the shopper's language."""
        return _behind(self).returns.rt(msgid)


class PluginController(Observable):
    """The UI's controller as plugin ``name`` sees it (see the module docstring)."""

    def __init__(self, ctl: Any, name: str, runtime: Any) -> None:
        super().__init__()
        hooks = {point: HookPoints(getattr(ctl, point)) for point in HOOK_POINTS}
        behind = _Behind(ctl, name, runtime, ReturnsDoor(ctl), hooks, weakref.proxy(self))
        object.__setattr__(self, "_behind", behind)

    def __getattribute__(self, attr: str) -> Any:
        # nothing private on the view: what it wraps is behind it (_behind), not readable
        if attr == "__dict__" or (attr.startswith("_") and not attr.startswith("__")):
            raise HiddenFromPlugin(f"a plugin screen may not use ctl.{attr}")
        return object.__getattribute__(self, attr)

    # --- what it offers ------------------------------------------------------------------

    @property
    def runtime(self) -> Any:
        """The plugin's own runtime (its scoped view, behind its door)."""
        return _behind(self).runtime

    @property
    def name(self) -> str:
        return _behind(self).name

    @property
    def returns(self) -> ReturnsDoor:
        return _behind(self).returns

    @property
    def shopper_screens(self) -> tuple[str, ...]:
        return tuple(_behind(self).ctl.shopper_screens)

    @property
    def proxy_ref(self) -> Any:
        """A weak proxy, as an EventDispatcher's: kv keeps it in Kivy's process-wide table
        of bindings, which must not keep a stopped kiosk's UI alive."""
        return _behind(self).proxy

    def translate(self, msgid: str, language: str, domain: str = "kiosk") -> str:
        """``msgid`` of ``domain`` in ``language`` (not necessarily the shopper's)."""
        return _behind(self).ctl.translate(msgid, language, domain)

    def show_scan_outcome(self, outcome: Any) -> None:
        """Show what the runtime answered to a scan the plugin made (a claim, a refusal),
        as the shopping screen shows its own scans."""
        _behind(self).ctl._scanned(outcome)

    def __getattr__(self, attr: str) -> Any:
        behind = _behind(self)
        ctl = behind.ctl
        if attr in HOOK_POINTS:
            return behind.hooks[attr]
        if attr in METHODS:
            return getattr(ctl, attr)
        if not attr.startswith("_") and ctl.property(attr, True) is not None:
            return getattr(ctl, attr)
        raise HiddenFromPlugin(f"a plugin screen may not use ctl.{attr}")

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr not in WRITABLE:
            raise PluginAccessDenied(
                f"a plugin screen may not set ctl.{attr} (only {', '.join(sorted(WRITABLE))})"
            )
        setattr(_behind(self).ctl, attr, value)

    # --- Kivy's binding interface: kv rules and ``ctl.bind`` reach the controller's --------
    # properties; callbacks receive this view, never the controller itself. (kv passes
    # unhashable arguments, so the relays are a list, not a dict.)

    def property(self, name: str, quiet: bool = False) -> Any:
        if name.startswith("_"):
            if quiet:
                return None
            raise HiddenFromPlugin(f"ctl.{name} is not a property a plugin screen may bind")
        return _behind(self).ctl.property(name, quiet)

    def fbind(self, name: str, func: Callable[..., Any], *largs: Any, **kwargs: Any) -> int:
        behind = _behind(self)
        if name.startswith("_") or behind.ctl.property(name, True) is None:
            return 0  # as Kivy's fbind: kv watches ``ctl.t`` too, which is not a property
        ref = weakref.ref(self)

        def relay(_ctl: Any, value: Any) -> Any:
            view = ref()
            return None if view is None else func(*largs, view, value, **kwargs)

        uid = behind.ctl.fbind(name, relay)
        behind.relays.append((name, func, largs, uid))
        return uid

    def funbind(self, name: str, func: Callable[..., Any], *largs: Any, **_kwargs: Any) -> None:
        for kept in _behind(self).relays:
            if kept[0] == name and kept[1] is func and kept[2] == largs:
                self.unbind_uid(name, kept[3])
                return

    def unbind_uid(self, name: str, uid: int) -> None:
        behind = _behind(self)
        behind.relays[:] = [k for k in behind.relays if not (k[0] == name and k[3] == uid)]
        behind.ctl.unbind_uid(name, uid)

    def bind(self, **kwargs: Any) -> None:
        for name, func in kwargs.items():
            self.fbind(name, _weak(func))

    def unbind(self, **kwargs: Any) -> None:
        for name, func in kwargs.items():
            relays = _behind(self).relays
            for kept in [k for k in relays if k[0] == name and _same(k[1], func)]:
                self.unbind_uid(name, kept[3])

    def __repr__(self) -> str:
        return f"<controller of plugin {_behind(self).name!r}>"


class _WeakCallback:
    """A bound method held weakly, as Kivy's ``bind`` holds one (a model bound to the
    controller must not live as long as the controller)."""

    __slots__ = ("method",)

    def __init__(self, method: Any) -> None:
        self.method = weakref.WeakMethod(method)

    def __call__(self, *args: Any) -> Any:
        method = self.method()
        return None if method is None else method(*args)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _WeakCallback) and self.method == other.method

    def __hash__(self) -> int:
        return hash(self.method)


def _weak(func: Callable[..., Any]) -> Callable[..., Any]:
    return _WeakCallback(func) if hasattr(func, "__self__") else func


def _same(kept: Any, func: Any) -> bool:
    return kept == func or (isinstance(kept, _WeakCallback) and kept.method() == func)


@dataclass
class _Behind:
    """What one :class:`PluginController` wraps (its ``_behind``)."""

    ctl: Any
    name: str
    runtime: Any
    returns: ReturnsDoor
    hooks: dict[str, HookPoints]
    proxy: Any
    relays: list[tuple[str, Any, tuple[Any, ...], int]] = field(default_factory=list)


class CoreScreen:
    """A core screen as a plugin's ``attach`` sees it: its name and its ``ids`` (the
    places a plugin adds a widget and names it: ``shopping.ids.lookup``,
    ``code.ids.plugin_buttons``)."""

    __slots__ = ("ids", "name")

    def __init__(self, screen: Any) -> None:
        self.name = screen.name
        self.ids = screen.ids  # Kivy's: a plugin adds its widget there and names it


class PluginRoot(_Sealed):
    """What ``attach(root)`` gets: ``root.screen(name)`` — the plugin's own screens as they
    are, the core's as :class:`CoreScreen` — and its controller view ``root.ctl``."""

    __slots__ = ("_behind", "ctl")

    def __init__(self, manager: Any, ctl: PluginController, own: set[str], core: set[str]):
        object.__setattr__(self, "ctl", ctl)
        object.__setattr__(self, "_behind", (manager, frozenset(own), frozenset(core)))

    def screen(self, name: str) -> Any:
        manager, own, core = _behind(self)
        if name in own:
            return manager.get_screen(name)
        if name in core:
            return CoreScreen(manager.get_screen(name))
        raise HiddenFromPlugin(f"screen {name!r} is neither the kiosk's nor this plugin's")
