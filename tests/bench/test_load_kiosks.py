"""bench/load_kiosks.py at tiny scale: the load test itself runs end to end.

Real uvicorn workers (1, then 2) on a fresh PostgreSQL database over loopback; the script
checks every sale was stored exactly once and reports throughput and p99 per worker count.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.backoffice.databases import _admin_url, postgres_url  # noqa: F401 (fixture)

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "load_kiosks.py"


@pytest.mark.postgres
def test_function_the_load_test_runs_at_tiny_scale(postgres_url, capsys):  # noqa: F811
    spec = importlib.util.spec_from_file_location("load_kiosks", SCRIPT)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up there
    spec.loader.exec_module(bench)
    name = f"bo_load_{uuid.uuid4().hex[:10]}"
    url = make_url(_admin_url()).set(database=name).render_as_string(hide_password=False)
    try:
        results = bench.main(
            ["--url", url, "--kiosks", "6", "--batches", "2", "--batch", "3",
             "--workers", "2", "--concurrency", "4"]
        )  # fmt: skip
    finally:
        admin = create_engine(_admin_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    assert set(results) == {1, 2}
    for rate, p99 in results.values():
        assert rate > 0 and p99 > 0
    out = capsys.readouterr().out
    assert "6 kiosks x 2 batches of 3 sales" in out and "every sale stored exactly once" in out
    assert "CPU ms per stored sale" in out and "PostgreSQL waits" in out


def test_function_a_cpu_budget_is_called_binding_only_when_used_up():
    """GIVEN rounds under --worker-cpu WHEN a worker used less than 85 % of its budget THEN
    the report says the budget did not bind (the ratio then says nothing about scaling)."""
    spec = importlib.util.spec_from_file_location("load_kiosks", SCRIPT)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    from bench.cpu_budget import Throttling

    def round_(worker_cpu: list[float]) -> object:
        return bench.Round(
            len(worker_cpu), 1000, 10.0, [0.1], [], 0, worker_cpu, 0.0, 1.0, 0.1,
            bench.Counter(), 0, 0, {}, 0.3, [Throttling(100, 90, 5.0)] * len(worker_cpu),
        )  # fmt: skip

    held = bench.Summary(2, [round_([2.9, 3.0]), round_([2.7, 3.1])])
    assert held.rounds[0].budget_used() == pytest.approx([2.9 / 3, 1.0])
    assert bench.binding(held)
    assert "BINDING" in bench.budget_line(held) and "360 of 400 periods (90%)" in bench.budget_line(
        held
    )
    starved = bench.Summary(2, [round_([2.9, 3.0]), round_([2.0, 3.1])])  # 67 % of 0.3 x 10 s
    assert not bench.binding(starved) and "NOT binding" in bench.budget_line(starved)
