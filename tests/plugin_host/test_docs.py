"""Every hook is documented in docs/plugins.md and exercised by at least one test."""

from pathlib import Path

import pytest

from kiosk import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name in dir(hookspecs) if name.startswith("kiosk_"))


def test_there_are_hooks():
    assert len(HOOKS) >= 15


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook):
    assert f"`{hook}(" in (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring(hook):
    assert len((getattr(hookspecs, hook).__doc__ or "").strip()) > 20


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_exercised_by_a_test(hook):
    test_files = [*ROOT.glob("tests/**/test_*.py"), *ROOT.glob("plugins/**/test_*.py")]
    assert any(hook in path.read_text(encoding="utf-8") for path in test_files), hook
