"""scripts/ensure-postgres.sh against stand-in Debian tools (pg_lsclusters, pg_conftool,
pg_ctlcluster, pg_isready): GIVEN a cluster Debian put on another port WHEN the script runs
THEN it moves the cluster to the tests' port if that is free, else stops with a clear line."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure-postgres.sh"

# The fake cluster keeps its port and status in $STATE/port and $STATE/status.
TOOLS = {
    "pg_lsclusters": 'echo "15 main $(cat $STATE/port) $(cat $STATE/status) postgres '
    '/var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"',
    "pg_conftool": 'echo "$@" >> $STATE/calls; echo "$5" > $STATE/port',
    "pg_ctlcluster": 'echo "$@" >> $STATE/calls; case "$*" in *stop*) echo down > $STATE/status;; '
    "*start*) echo online > $STATE/status;; esac",
    "pg_isready": 'p=""; while [ $# -gt 0 ]; do [ "$1" = -p ] && p=$2; shift; done; '
    '[ "$(cat $STATE/status)" = online ] && [ "$(cat $STATE/port)" = "$p" ]',
    "sleep": "true",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(tmp_path: Path, test_port: int, cluster_port: int, status: str = "down"):
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir()
    state.mkdir()
    for name, body in TOOLS.items():
        tool = bin_dir / name
        tool.write_text(f"#!/bin/bash\n{body}\n")
        tool.chmod(0o755)
    (state / "port").write_text(f"{cluster_port}\n")
    (state / "status").write_text(f"{status}\n")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "STATE": str(state),
        "POSTGRES_TEST_PORT": str(test_port),
        "TEST_DATABASE_URL": "set: skip the sign-in preparation",
    }
    result = subprocess.run(
        ["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    calls = (state / "calls").read_text() if (state / "calls").exists() else ""
    return result, (state / "port").read_text().strip(), calls


def test_a_cluster_on_another_port_is_moved_to_the_free_test_port(tmp_path):
    port = free_port()
    result, cluster_port, calls = run(tmp_path, port, port + 1)
    assert result.returncode == 0, result.stderr
    assert cluster_port == str(port)
    assert f"15 main set port {port}" in calls and "15 main start" in calls
    assert f"from port {port + 1} to {port}" in result.stdout


def test_a_running_cluster_is_restarted_on_the_test_port(tmp_path):
    port = free_port()
    result, cluster_port, calls = run(tmp_path, port, port + 1, status="online")
    assert result.returncode == 0, result.stderr
    assert cluster_port == str(port) and "15 main stop" in calls


def test_a_taken_test_port_stops_with_the_clusters_real_port(tmp_path):
    with socket.socket() as other:  # another program holds the test port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result, cluster_port, calls = run(tmp_path, port, 5999)
    assert result.returncode == 1
    assert "is on port 5999, and port" in result.stderr
    assert "TEST_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5999/test" in result.stderr
    assert cluster_port == "5999" and "set port" not in calls


def test_a_cluster_already_on_the_test_port_is_just_started(tmp_path):
    port = free_port()
    result, _port, calls = run(tmp_path, port, port)
    assert result.returncode == 0, result.stderr
    assert "set port" not in calls and "15 main start" in calls
