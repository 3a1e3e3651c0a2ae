"""bench/cpu_budget.py: a cgroup a worker with its CPU quota, and every group removed after.

A temporary directory stands in for the cgroup file system (v1 and v2 layouts), so the quota
arithmetic, the files written, the move back to the root and the removal are checked without
root; the last test uses the real hierarchy when it is writable and otherwise checks the
one-line refusal.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.cpu_budget import (
    CgroupUnavailable,
    CpuBudgets,
    Throttling,
    find_hierarchy,
    quota_us,
    read_throttling,
)


def plain_rmdir(group: Path) -> None:
    """A cgroup's control files go with its rmdir; a plain directory's must go first."""
    shutil.rmtree(group)


def v1_root(tmp: Path) -> Path:
    (tmp / "cpu").mkdir()
    for name in ("cpu.cfs_quota_us", "cpu.cfs_period_us", "cgroup.procs"):
        (tmp / "cpu" / name).write_text("")
    return tmp


def v2_root(tmp: Path) -> Path:
    (tmp / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (tmp / "cgroup.subtree_control").write_text("memory\n")
    (tmp / "cgroup.procs").write_text("")
    return tmp


def test_function_quota_is_cores_of_the_period():
    """GIVEN a budget in cores WHEN turned into a cfs quota THEN microseconds of the period."""
    assert quota_us(0.3, 100_000) == 30_000
    assert quota_us(0.25, 20_000) == 5_000
    assert quota_us(1.5, 100_000) == 150_000  # more than one core: several CPUs at once


@pytest.mark.parametrize(
    ("cores", "period", "words"),
    [(0, 100_000, "above 0"), (-1, 100_000, "above 0"), (0.005, 100_000, "1 ms"),
     (0.3, 500, "period"), (0.3, 2_000_000, "period")],
)  # fmt: skip
def test_function_a_budget_the_kernel_would_refuse_is_refused_first(cores, period, words):
    with pytest.raises(ValueError, match=words):
        quota_us(cores, period)


def test_function_v1_group_a_process_with_its_quota_then_removed(tmp_path):
    """GIVEN a v1 cpu hierarchy WHEN two workers are confined and released THEN each had its
    own group with period and quota, and afterwards no group is left, both back at the root."""
    root = v1_root(tmp_path)
    budgets = CpuBudgets(0.3, root=root, rmdir=plain_rmdir, owner=4242)
    first, second = budgets.confine(101), budgets.confine(102)
    assert first != second and first.parent == second.parent == root / "cpu"
    assert (first / "cpu.cfs_period_us").read_text() == "100000"
    assert (first / "cpu.cfs_quota_us").read_text() == "30000"
    assert (first / "cgroup.procs").read_text() == "101"
    assert (second / "cgroup.procs").read_text() == "102"
    budgets.release()
    assert not first.exists() and not second.exists() and budgets.groups == {}
    assert (root / "cpu" / "cgroup.procs").read_text() in {"101", "102"}  # moved back (last)


def test_function_v2_group_gets_cpu_max_and_cpu_enabled_for_children(tmp_path):
    root = v2_root(tmp_path)
    with CpuBudgets(0.25, period_us=20_000, root=root, rmdir=plain_rmdir, owner=4242) as b:
        group = b.confine(7)
        assert b.hierarchy.version == 2 and group.parent == root
        assert (group / "cpu.max").read_text() == "5000 20000"
        assert (root / "cgroup.subtree_control").read_text() == "+cpu"
    assert not group.exists()


def test_function_groups_removed_when_the_run_fails(tmp_path):
    """GIVEN confined workers WHEN the run raises (an error, Ctrl-C) THEN no group is left."""
    root = v1_root(tmp_path)
    with pytest.raises(KeyboardInterrupt), CpuBudgets(0.3, root=root, rmdir=plain_rmdir) as b:
        groups = [b.confine(pid) for pid in (11, 12, 13)]
        raise KeyboardInterrupt
    assert groups and not any(g.exists() for g in groups)


def test_function_release_tries_every_group_and_reports_a_failure(tmp_path):
    root = v1_root(tmp_path)
    budgets = CpuBudgets(0.3, root=root, rmdir=plain_rmdir, owner=4242)
    stuck, fine = budgets.confine(1), budgets.confine(2)
    real = budgets.rmdir

    def refuse_first(group: Path) -> None:
        if group == stuck:
            raise OSError(16, "Device or resource busy")
        real(group)

    budgets.rmdir = refuse_first
    with pytest.raises(OSError, match="busy"):
        budgets.release()
    assert stuck.exists() and not fine.exists() and list(budgets.groups) == [1]
    budgets.rmdir = real
    budgets.release()  # a second call finishes the job
    assert not stuck.exists() and budgets.groups == {}


def test_function_a_killed_runs_groups_are_swept_a_live_ones_kept(tmp_path):
    root = v1_root(tmp_path)
    dead = 2**22 + 1  # above the default pid_max: no such process
    while Path(f"/proc/{dead}").exists():
        dead += 1
    leftover = root / "cpu" / f"load_kiosks_{dead}_55"
    alive = root / "cpu" / f"load_kiosks_{os.getppid()}_56"
    for group in (leftover, alive):
        group.mkdir()
        (group / "cgroup.procs").write_text("")
    CpuBudgets(0.3, root=root, rmdir=plain_rmdir)
    assert not leftover.exists() and alive.exists()


def test_function_neither_hierarchy_is_one_clear_error(tmp_path):
    with pytest.raises(CgroupUnavailable, match="no cgroup cpu controller"):
        find_hierarchy(tmp_path)
    (tmp_path / "cgroup.controllers").write_text("io memory\n")
    with pytest.raises(CgroupUnavailable, match="no cpu controller"):
        find_hierarchy(tmp_path)


def test_function_throttling_read_from_either_versions_cpu_stat(tmp_path):
    (tmp_path / "cpu.stat").write_text(
        "nr_periods 40\nnr_throttled 30\nthrottled_time 1500000000\n"
    )
    v1 = read_throttling(tmp_path)
    assert v1 == Throttling(40, 30, 1.5) and v1.share == 0.75
    (tmp_path / "cpu.stat").write_text(
        "usage_usec 9\nuser_usec 5\nsystem_usec 4\nnr_periods 10\nnr_throttled 1\n"
        "throttled_usec 250000\n"
    )
    v2 = read_throttling(tmp_path)
    assert v2 == Throttling(10, 1, 0.25)
    assert (v1 - v2) == Throttling(30, 29, 1.25) and Throttling(0, 0, 0).share == 0


def test_function_on_this_machine_a_process_is_confined_or_refused_clearly():
    """The real hierarchy: a child process lands in its group and the group is gone after;
    where the controller is not writable (not root), the refusal is one clear line."""
    try:
        budgets = CpuBudgets(0.5)
    except CgroupUnavailable as exc:
        assert "\n" not in str(exc) and "cgroup" in str(exc)
        return
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE)  # fmt: skip
    try:
        group = budgets.confine(child.pid)
        membership = Path(f"/proc/{child.pid}/cgroup").read_text()
        assert f"/{group.name}\n" in membership
        assert str(child.pid) in (group / "cgroup.procs").read_text().split()
        budgets.release()  # the child still runs: moved back to the root first
        assert not group.exists()
        assert f"/{group.name}\n" not in Path(f"/proc/{child.pid}/cgroup").read_text()
    finally:
        budgets.release()
        child.communicate(b"")
