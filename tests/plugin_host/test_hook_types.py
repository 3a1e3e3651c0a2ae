"""The hookspecs carry real types (imported for type checkers only): each annotation names
a real class, so a vendor's editor and type checker see what the kiosk passes."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from kiosk import hookspecs
from kiosk.domain.events import ScanClaim
from kiosk.payments.method import PaymentMethod
from kiosk.plugin_context import PluginContext
from kiosk.plugin_scope import ScopedRuntime

HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("kiosk_"))


def type_checking_namespace() -> dict[str, object]:
    """The module's globals plus what its ``if TYPE_CHECKING:`` block imports."""
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    [block] = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    ]
    namespace = dict(vars(hookspecs))
    exec(compile(ast.Module(block.body, type_ignores=[]), "hookspecs", "exec"), namespace)
    return namespace


def test_importing_hookspecs_pulls_in_no_kiosk_layer():
    """Type-only imports: a plugin importing hookimpl does not import the runtime."""
    assert typing.TYPE_CHECKING is False
    assert "KioskRuntime" not in vars(hookspecs) and "PluginContext" not in vars(hookspecs)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_annotation_resolves(hook):
    hints = typing.get_type_hints(getattr(hookspecs, hook), globalns=type_checking_namespace())
    assert "return" in hints


def test_the_core_hooks_name_their_types():
    namespace = type_checking_namespace()
    hints = typing.get_type_hints(hookspecs.kiosk_payment_methods, globalns=namespace)
    assert hints["runtime"] is PluginContext
    assert hints["return"] == list[PaymentMethod]
    hints = typing.get_type_hints(hookspecs.kiosk_claim_scan, globalns=namespace)
    assert hints["return"] == ScanClaim | None


def test_the_runtime_and_a_plugins_scoped_view_are_plugin_contexts(runtime):
    """Every member of the protocol is there, on the runtime (the UI's) and on the scoped
    view every plugin gets."""
    members = [name for name in dir(PluginContext) if not name.startswith("_")] + list(
        PluginContext.__annotations__
    )
    for view in (runtime, ScopedRuntime(runtime, "acme")):
        for name in members:
            assert hasattr(view, name), name
        assert isinstance(view, PluginContext)
