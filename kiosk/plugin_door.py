"""The door a plugin holds to the kiosk, and how the host shuts it.

Every hook that takes ``runtime`` (and ``checkout``, ``basket``, ``line``) hands a plugin a
:class:`RuntimeDoor` / :class:`Revocable` over the live object rather than the object itself:
one per plugin, made by :class:`kiosk.plugins.PluginHost`, all sharing the plugin's
:class:`StopToken`. While the plugin is live a door behaves like what it wraps (attributes,
methods, ``isinstance``, ``==``). When the host disables the plugin — a hook overran its
deadline, raised, or returned the wrong type — it stops the token, and every door the
plugin kept, on any of its threads, raises :class:`PluginStopped` at its next touch:
``runtime.add_plu(...)``, ``runtime.journal(...)``, ``runtime.config.plugin_settings(...)``,
``runtime.keys``, ``runtime.device("printer")``, a kept ``checkout``, a unit of work
(``runtime.unit_of_work()``: its ``with`` block then rolls back), a held sale
(``runtime.exclusively()``)… A call already
inside the runtime finishes (the runtime's own locks keep it consistent); the next is
refused. See docs/plugins.md, "Deadlines and stopping a plugin".

What a door hands out is wrapped one level deep: ``runtime.catalogue`` is a door, what its
methods return is not. (The runtime a plugin holds is its scoped view,
:mod:`kiosk.plugin_scope`: ``store``, ``checkout``, ``host`` and ``devices`` are not on it.) Immutable values (text,
numbers, snapshots) pass as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from kiosk.plugin_scope import HiddenFromPlugin

#: attributes of the runtime that are themselves live objects: handed out as doors
DOOR_ATTRIBUTES = frozenset(
    {"checkout", "store", "devices", "config", "keys", "catalogue", "ledger", "host"}
)
#: methods of the runtime whose result is a live object (a unit of work, the held sale):
#: handed out as a door on the plugin's token, so a kept one is refused once it is stopped
DOOR_RESULTS = frozenset({"unit_of_work", "reading", "exclusively"})


class PluginStopped(RuntimeError):
    """The plugin was disabled: the kiosk no longer takes anything from it."""


class StopToken:
    """One plugin's switch: live until :meth:`stop`, then every door refuses."""

    __slots__ = ("_reason", "_stopped", "plugin")

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self._stopped = threading.Event()
        self._reason = ""

    def stop(self, reason: str) -> None:
        self._reason = reason
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def check(self, what: str) -> None:
        """Raise :class:`PluginStopped` naming ``what`` was refused, once stopped."""
        if self._stopped.is_set():
            raise PluginStopped(
                f"plugin {self.plugin!r} was stopped ({self._reason}); {what} refused"
            )


def _guarded_call(function: Callable[..., Any], token: StopToken, what: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        token.check(f"{what}()")
        return function(*args, **kwargs)

    call.__name__ = getattr(function, "__name__", "call")
    call.__doc__ = getattr(function, "__doc__", None)
    return call


class Revocable:
    """A live object as one plugin holds it: every touch checks the plugin's token."""

    __slots__ = ("_door_target", "_door_token", "_door_what")

    def __init__(self, target: Any, token: StopToken, what: str) -> None:
        object.__setattr__(self, "_door_target", target)
        object.__setattr__(self, "_door_token", token)
        object.__setattr__(self, "_door_what", what)

    # ``isinstance(door, Checkout)`` is true, as for the object itself
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return type(object.__getattribute__(self, "_door_target"))

    def _open(self, attr: str) -> Any:
        token: StopToken = object.__getattribute__(self, "_door_token")
        what = f"{object.__getattribute__(self, '_door_what')}.{attr}"
        token.check(what)
        value = getattr(object.__getattribute__(self, "_door_target"), attr)
        if callable(value) and not isinstance(value, type):
            return _guarded_call(value, token, what)
        return value

    def __getattr__(self, attr: str) -> Any:
        return self._open(attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        what = object.__getattribute__(self, "_door_what")
        object.__getattribute__(self, "_door_token").check(f"setting {what}.{attr}")
        setattr(object.__getattribute__(self, "_door_target"), attr, value)

    def _target(self, what: str) -> Any:
        object.__getattribute__(self, "_door_token").check(
            f"{object.__getattribute__(self, '_door_what')}{what}"
        )
        return object.__getattribute__(self, "_door_target")

    def __enter__(self) -> Any:
        target = self._target(" (with)")
        entered = target.__enter__()
        # ``with door as x``: an object that yields itself (a unit of work) yields its door
        return self if entered is target else entered

    def __exit__(self, *exc: Any) -> Any:
        # leaving a block is never refused: the target's own clean-up must run
        return object.__getattribute__(self, "_door_target").__exit__(*exc)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._target(" (iterate)"))

    def __len__(self) -> int:
        return len(self._target(" (len)"))

    def __bool__(self) -> bool:
        return bool(self._target(" (bool)"))

    def __getitem__(self, key: Any) -> Any:
        return self._target("[]")[key]

    def __contains__(self, item: Any) -> bool:
        return item in self._target(" (in)")

    def __eq__(self, other: object) -> bool:
        return object.__getattribute__(self, "_door_target") == unwrap(other)

    def __hash__(self) -> int:
        return hash(object.__getattribute__(self, "_door_target"))

    def __repr__(self) -> str:
        return (
            f"<door {object.__getattribute__(self, '_door_what')} of {self._door_token.plugin!r}>"
        )


class RuntimeDoor(Revocable):
    """The runtime as one plugin holds it (:class:`~kiosk.plugin_context.PluginContext`):
    its live parts (``config``, ``keys``, ``catalogue``…) come out as doors on the same
    token, one per part, so a plugin that keeps one and compares it finds the same door."""

    __slots__ = ("_door_set",)

    def __init__(self, target: Any, doors: PluginDoors) -> None:
        super().__init__(target, doors.token, "runtime")
        object.__setattr__(self, "_door_set", doors)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") and not attr.startswith("__"):
            # the scoped view's own insides (``_runtime``: the raw runtime) stay behind it
            raise HiddenFromPlugin(f"plugin {self._door_token.plugin!r} may not use runtime.{attr}")
        value = self._open(attr)
        doors = object.__getattribute__(self, "_door_set")
        if attr in DOOR_ATTRIBUTES:
            return doors.part(value, f"runtime.{attr}")
        if attr in DOOR_RESULTS:
            return _door_result(value, doors, f"runtime.{attr}()")
        return value

    def translate(
        self, key: str, language: str | None = None, *, domain: str | None = None, **params: Any
    ) -> str:
        """``key`` from this plugin's own catalogue (its package's ``locale/``) unless
        ``domain`` names another, in ``language`` (the shopper's when not given)."""
        own = object.__getattribute__(self, "_door_set").domain
        return self._open("translate")(key, language, domain=domain or own, **params)


def _door_result(call: Callable[..., Any], doors: PluginDoors, what: str) -> Callable[..., Any]:
    def door_call(*args: Any, **kwargs: Any) -> Any:
        return doors.once(call(*args, **kwargs), what)

    door_call.__name__ = getattr(call, "__name__", "call")
    door_call.__doc__ = getattr(call, "__doc__", None)
    return door_call


class PluginDoors:
    """Every door one plugin holds, on one token: the host stops them all at once."""

    #: past this many live parts (a catalogue per reload…) the cache starts again
    MAX_PARTS = 64

    def __init__(self, plugin: str, domain: str = "kiosk") -> None:
        self.token = StopToken(plugin)
        self.domain = domain  # the plugin's gettext domain (runtime.translate)
        self._runtimes: dict[int, RuntimeDoor] = {}
        self._parts: dict[int, Revocable] = {}
        self._lock = threading.Lock()

    def runtime(self, runtime: Any) -> RuntimeDoor:
        """The door over ``runtime`` (the same one each time, so a plugin may compare)."""
        if isinstance(runtime, RuntimeDoor):
            return runtime
        with self._lock:
            door = self._runtimes.get(id(runtime))
            if door is None or object.__getattribute__(door, "_door_target") is not runtime:
                door = self._runtimes[id(runtime)] = RuntimeDoor(runtime, self)
            return door

    def part(self, value: Any, what: str) -> Any:
        """``value`` (a long-lived object of the runtime) as a door on this token; the same
        door each time, so ``runtime.checkout is checkout`` holds inside the plugin."""
        if value is None or isinstance(value, Revocable):
            return value
        with self._lock:
            door = self._parts.get(id(value))
            if door is None or object.__getattribute__(door, "_door_target") is not value:
                if len(self._parts) >= self.MAX_PARTS:
                    self._parts.clear()
                door = self._parts[id(value)] = Revocable(value, self.token, what)
            return door

    def once(self, value: Any, what: str) -> Any:
        """``value`` (a short-lived object: a basket, a line) as a door for one call."""
        if value is None or isinstance(value, Revocable):
            return value
        return Revocable(value, self.token, what)


def unwrap(value: Any) -> Any:
    """The object behind a door (the kiosk's own code compares and stores the real one)."""
    if isinstance(value, Revocable):
        return object.__getattribute__(value, "_door_target")
    return value
