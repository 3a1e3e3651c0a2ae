"""Public helpers to build a sale, for a plugin's own tests (receipt sections, events…).

A real kiosk, headless: the built-in defaults (demo catalogue, payment simulators), a store
in the directory you give, and your plugin registered next to the built-ins::

    from kiosk.testing.sales import build_sale, kiosk_runtime

    def test_my_receipt_section(tmp_path):
        with kiosk_runtime(tmp_path, plugins={"my_points": MyPointsPlugin()}) as runtime:
            sale = build_sale(runtime, "4901234000018")  # おにぎり ¥150, paid by card
            assert "My points" in "\\n".join(runtime.receipt_lines(sale))

The ``kiosk_runtime`` pytest fixture (from ``kiosk.testing.payment_conformance``, a pytest
plugin) gives the same runtime without plugins of your own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.domain.sale import Sale
    from kiosk.runtime import KioskRuntime

#: codes of the demo catalogue (kiosk/data/demo_catalogue.csv) tests can rely on
ONIGIRI = "4901234000018"  # おにぎり 鮭, ¥150, reduced rate
RICE = "4901234000193"  # 米 5kg, ¥2,480


@contextmanager
def kiosk_runtime(
    data_dir: Path, plugins: Mapping[str, object] | None = None, **settings: Any
) -> Iterator[KioskRuntime]:
    """A started headless kiosk on a store in ``data_dir``; shut down when the ``with`` ends.

    :param plugins: plugin objects to register by name (next to the built-ins).
    :param settings: :class:`kiosk.config.KioskConfig` fields to override.
    """
    from kiosk.app import build_runtime
    from kiosk.config import load_config

    runtime = build_runtime(load_config(None, data_dir=Path(data_dir), **settings))
    try:
        for name, plugin in (plugins or {}).items():
            runtime.host.register(plugin, name)
        yield runtime
    finally:
        runtime.shutdown()


def ring_up(runtime: KioskRuntime, *codes: str) -> None:
    """Scan ``codes`` into the basket; a code the kiosk refuses raises ``ValueError``."""
    from kiosk.domain.scan import Scan

    for code in codes:
        outcome = runtime.handle_scan(Scan(code))
        if not outcome.accepted:
            raise ValueError(f"scan {code!r} refused: {outcome.error_text('en')}")


def build_sale(runtime: KioskRuntime, *codes: str, method: str = "card") -> Sale:
    """Ring up ``codes`` (default: one おにぎり) and pay everything with ``method``; returns
    the committed :class:`~kiosk.domain.sale.Sale` (receipt, outbox row and hooks done).
    ``card`` works with the simulators as they are; another method may need its simulator
    prepared first (for ``cash``: ``runtime.method("cash").changer.queue([...])``)."""
    ring_up(runtime, *(codes or (ONIGIRI,)))
    sale = runtime.pay(method)
    if sale is None:
        raise ValueError(f"{method} did not cover the amount due ({runtime.amount_due} yen left)")
    return sale
