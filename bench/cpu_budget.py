"""A fixed CPU budget for each of some processes, through the Linux cgroup cpu controller.

``bench/load_kiosks.py --worker-cpu 0.3`` gives every back-office worker 0.3 of a core: on a
2-core machine shared by PostgreSQL and the load generator, 1, 2 and 3 such workers then ask
for 0.3, 0.6 and 0.9 core, so whether throughput follows the workers' capacity can show at
all (unconstrained, one worker already takes most of the machine). One cgroup per process,
its quota per period written, the process moved in; ``release`` moves any process still in a
group back to the hierarchy's root and removes the groups (also after an error or Ctrl-C,
the caller's ``finally``). cgroup v2 (``cpu.max``) when ``<root>/cgroup.controllers`` exists,
else v1 (``cpu/cpu.cfs_quota_us``). Needs root, or a delegated, writable hierarchy.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
MIN_QUOTA_US = 1000  # the kernel refuses a smaller cfs quota
PREFIX = "load_kiosks"


class CgroupUnavailable(RuntimeError):
    """No writable cgroup cpu controller: the budget cannot be applied."""


@dataclass(frozen=True)
class Hierarchy:
    version: int  # 1 or 2
    path: Path  # where the groups are made (v1: <root>/cpu; v2: <root>)


@dataclass(frozen=True)
class Throttling:
    """A group's ``cpu.stat`` counters: enforcement periods, those throttled, time throttled."""

    periods: int
    throttled: int
    throttled_s: float

    def __sub__(self, other: Throttling) -> Throttling:
        return Throttling(
            self.periods - other.periods,
            self.throttled - other.throttled,
            self.throttled_s - other.throttled_s,
        )

    @property
    def share(self) -> float:
        """Share of the enforcement periods in which the group ran out of its quota."""
        return self.throttled / self.periods if self.periods else 0.0


def find_hierarchy(root: Path = CGROUP_ROOT) -> Hierarchy:
    """The cpu controller's hierarchy under ``root``, writable; else ``CgroupUnavailable``."""
    if (root / "cgroup.controllers").exists():
        if "cpu" not in (root / "cgroup.controllers").read_text().split():
            raise CgroupUnavailable(f"cgroup v2 at {root} has no cpu controller enabled")
        subtree = root / "cgroup.subtree_control"
        try:
            if "cpu" not in subtree.read_text().split():
                subtree.write_text("+cpu")  # lets the groups made here have cpu.max
        except OSError as exc:
            raise CgroupUnavailable(f"cannot enable cpu in {subtree} ({exc}); run as root") from exc
        hierarchy = Hierarchy(2, root)
    elif (root / "cpu" / "cpu.cfs_quota_us").exists():
        hierarchy = Hierarchy(1, root / "cpu")
    else:
        raise CgroupUnavailable(
            f"no cgroup cpu controller under {root} (neither v2 cpu.max nor v1 cpu.cfs_quota_us)"
        )
    if not os.access(hierarchy.path, os.W_OK):
        raise CgroupUnavailable(f"{hierarchy.path} is not writable; run the bench as root")
    return hierarchy


def quota_us(cores: float, period_us: int) -> int:
    """Microseconds of CPU a period for ``cores`` of a core (0.3 core, 100 ms → 30,000)."""
    if period_us < MIN_QUOTA_US or period_us > 1_000_000:
        raise ValueError(f"a cfs period is 1,000–1,000,000 µs, not {period_us}")
    if not cores > 0:
        raise ValueError(f"a CPU budget must be above 0 cores, not {cores}")
    quota = round(cores * period_us)
    if quota < MIN_QUOTA_US:
        raise ValueError(f"{cores} core of a {period_us} µs period is under the kernel's 1 ms")
    return quota


def read_throttling(group: Path) -> Throttling:
    """Parse ``cpu.stat`` (v1 ``throttled_time`` in ns, v2 ``throttled_usec``)."""
    stat: dict[str, int] = {}
    for line in (group / "cpu.stat").read_text().splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            stat[key] = int(value)
    if "throttled_usec" in stat:
        throttled_s = stat["throttled_usec"] / 1e6
    else:
        throttled_s = stat.get("throttled_time", 0) / 1e9
    return Throttling(stat.get("nr_periods", 0), stat.get("nr_throttled", 0), throttled_s)


def pid_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


class CpuBudgets:
    """One cgroup with ``cores`` of CPU for each process ``confine``d; ``release`` undoes all.

    ``rmdir`` is how a group is removed: ``os.rmdir`` on a cgroup file system (its control
    files go with it); tests standing a plain directory in for it pass their own.
    """

    def __init__(
        self,
        cores: float,
        period_us: int = 100_000,
        root: Path = CGROUP_ROOT,
        rmdir: Callable[[Path], None] = os.rmdir,
        owner: int | None = None,
    ) -> None:
        self.cores = cores
        self.period_us = period_us
        self.quota_us = quota_us(cores, period_us)  # bad values refused before any mkdir
        self.hierarchy = find_hierarchy(root)
        self.rmdir = rmdir
        self.owner = os.getpid() if owner is None else owner
        self.groups: dict[int, Path] = {}
        self.sweep()

    def group_path(self, pid: int) -> Path:
        return self.hierarchy.path / f"{PREFIX}_{self.owner}_{pid}"

    def sweep(self) -> list[Path]:
        """Remove groups a killed earlier run left behind (its owner gone); answer them."""
        gone = []
        for group in self.hierarchy.path.glob(f"{PREFIX}_*_*"):
            owner = group.name.split("_")[-2]
            if owner.isdigit() and int(owner) != self.owner and not pid_alive(int(owner)):
                self._remove(group)
                gone.append(group)
        return gone

    def confine(self, pid: int) -> Path:
        """Make ``pid``'s group with the budget and move the process (all its threads) in."""
        group = self.group_path(pid)
        group.mkdir()
        self.groups[pid] = group  # recorded first: released even if a write below fails
        if self.hierarchy.version == 2:
            (group / "cpu.max").write_text(f"{self.quota_us} {self.period_us}")
        else:
            (group / "cpu.cfs_period_us").write_text(str(self.period_us))
            (group / "cpu.cfs_quota_us").write_text(str(self.quota_us))
        (group / "cgroup.procs").write_text(str(pid))
        return group

    def throttling(self) -> dict[int, Throttling]:
        return {pid: read_throttling(group) for pid, group in self.groups.items()}

    def _remove(self, group: Path) -> None:
        procs = group / "cgroup.procs"
        # processes still inside (Ctrl-C before the server stopped) go back to the root:
        # a cgroup with members cannot be removed
        for line in procs.read_text().split() if procs.exists() else []:
            with contextlib.suppress(OSError):  # exited meanwhile
                (self.hierarchy.path / "cgroup.procs").write_text(line)
        self.rmdir(group)

    def release(self) -> None:
        """Remove every group made; the first failure is raised after trying them all."""
        failure: OSError | None = None
        for pid, group in list(self.groups.items()):
            try:
                self._remove(group)
                del self.groups[pid]
            except OSError as exc:
                failure = failure or exc
        if failure is not None:
            raise failure

    def __enter__(self) -> CpuBudgets:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
