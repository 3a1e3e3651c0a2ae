"""The runtime is used, not reached through: outside kiosk/runtime no code touches a
runtime's ``checkout``, ``store`` or ``_lock``; the UI, the command line and plugins call the
runtime's named methods (kiosk.runtime.actions) and read its immutable ``sale_view()``.

The scan is syntactic: an attribute ``checkout``/``store``/``_lock`` read on something named
``runtime`` (``runtime.store``, ``self.runtime.checkout``, ``ctl.runtime._lock``), or a
``getattr(runtime, "store")``. What may still do it is listed in EXCEPTIONS with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = frozenset({"checkout", "store", "_lock"})

#: file (relative to the repository) -> why it may still reach through the runtime. Each
#: entry goes when its file moves or is converted; a listed file that no longer needs it
#: fails the test below, so the list cannot go stale. Empty since the runtime offers a unit
#: of work (``runtime.unit_of_work()``: own rows + outbox + journal in one transaction) and
#: the held sale (``runtime.exclusively()``: one check-then-act under the sale lock), and the
#: sync service is given the store it ships beside the runtime (kiosk/app.py).
EXCEPTIONS: dict[str, str] = {}


def _names_runtime(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "runtime") or (
        isinstance(node, ast.Attribute) and node.attr == "runtime"
    )


def reach_throughs(source: str) -> list[tuple[int, str]]:
    """(line, what) for each runtime.checkout/.store/._lock in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN:
            if _names_runtime(node.value):
                found.append((node.lineno, f"runtime.{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr"}
            and len(node.args) >= 2
            and _names_runtime(node.args[0])
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in FORBIDDEN
        ):
            found.append((node.lineno, f"{node.func.id}(runtime, {node.args[1].value!r})"))
    return sorted(found)


def _scanned_files() -> list[Path]:
    # the third-party examples too: they are what a vendor copies
    files = [f for top in ("kiosk", "plugins", "examples") for f in (ROOT / top).rglob("*.py")]
    runtime_dir = ROOT / "kiosk" / "runtime"
    # a plugin's own tests (plugins/<name>/tests) may look inside, as tests/ does
    return sorted(
        f
        for f in files
        if runtime_dir not in f.parents and "tests" not in f.relative_to(ROOT).parts
    )


def test_nothing_outside_the_runtime_reaches_through_it():
    """GIVEN kiosk/ (but kiosk/runtime), plugins/ and examples/ WHEN scanned THEN no file touches a
    runtime's checkout, store or lock, except the ones listed with their reason."""
    offenders = []
    for path in _scanned_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in EXCEPTIONS:
            continue
        for line, what in reach_throughs(path.read_text(encoding="utf-8")):
            offenders.append(f"{rel}:{line}: {what}")
    assert not offenders, "use the runtime's named methods:\n" + "\n".join(offenders)


def test_nothing_is_excepted_any_more():
    """GIVEN the exception list THEN it is empty: plugins and the core use the named doors."""
    assert EXCEPTIONS == {}


def test_every_listed_exception_still_needs_its_place():
    """GIVEN the exception list THEN each file exists and still reaches through (else the
    entry is stale and must go)."""
    for rel in EXCEPTIONS:
        path = ROOT / rel
        if path.exists():
            assert reach_throughs(path.read_text(encoding="utf-8")), f"{rel}: drop the exception"


def test_the_scan_finds_each_form():
    """GIVEN each way of reaching through THEN the scan names it (and not a plain attribute
    of something else, or the runtime's own methods)."""
    source = (
        "runtime.checkout.scan(s)\n"
        "self.runtime.store.journal_event(k)\n"
        "with ctl.runtime._lock:\n    pass\n"
        "getattr(runtime, 'store')\n"
        "ok = runtime.sale_view().totals\n"
        "order.checkout.state\n"
        "self.store.get_config('x')\n"
    )
    assert reach_throughs(source) == [
        (1, "runtime.checkout"),
        (2, "runtime.store"),
        (3, "runtime._lock"),
        (5, "getattr(runtime, 'store')"),
    ]
