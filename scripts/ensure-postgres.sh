#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the back-office tests,
# starting the Debian cluster if it is installed but stopped. TEST_DATABASE_URL tells the
# tests where it is.
#
# Debian gives a new cluster the next free port (5433, …) when 5432 was taken when it was
# created, so the cluster's real port is read from pg_lsclusters. When it is not 5432 and
# 5432 is free, the cluster is moved to 5432 (the tests' default); when 5432 is taken by
# something else, the script stops and says so.
set -euo pipefail

PORT=${POSTGRES_TEST_PORT:-5432}  # the port the tests expect (overridden by this script's own test)

# The tests' default TEST_DATABASE_URL is postgresql://postgres:postgres@127.0.0.1:5432/test.
# A fresh Debian cluster uses peer/scram auth and has no "test" database, so once the server
# answers we give the postgres role that password and create the database (both idempotent).
prepare() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return 0; fi  # someone else's server: leave it be
  if [ "$(id -u)" -eq 0 ]; then AS_PG=(su postgres -c); else AS_PG=(sudo -u postgres sh -c); fi
  if PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PORT" -U postgres -d test -Atc "select 1" >/dev/null 2>&1; then
    return 0
  fi
  "${AS_PG[@]}" "psql -p $PORT -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" || true
  "${AS_PG[@]}" "psql -p $PORT -Atc \"select 1 from pg_database where datname = 'test'\" | grep -q 1 || createdb -p $PORT test" || true
  PGPASSWORD=postgres psql -h 127.0.0.1 -p "$PORT" -U postgres -d test -Atc "select 1" >/dev/null || {
    echo "ensure-postgres: cannot sign in as postgres/postgres on 127.0.0.1:$PORT (check pg_hba.conf)" >&2
    exit 1
  }
}

port_taken() {  # something (PostgreSQL or not) accepts connections on 127.0.0.1:$1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  prepare
  exit 0
fi

# The newest cluster: "version name port status owner datadir logfile" per line.
cluster=$(pg_lsclusters --no-header 2>/dev/null | sort -V -k1,1 | tail -n1 || true)
if [ -z "$cluster" ]; then
  echo "ensure-postgres: no PostgreSQL cluster found (setup-system.sh installs one)" >&2
  exit 1
fi
read -r version name port status _owner _data logfile <<<"$cluster"

if [ "$port" != "$PORT" ]; then
  if port_taken "$PORT"; then
    echo "ensure-postgres: PostgreSQL $version/$name is on port $port, and port $PORT is taken by" \
      "another program (not an answering PostgreSQL). Free port $PORT, or point the tests at the" \
      "cluster: TEST_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:$port/test" >&2
    exit 1
  fi
  echo "ensure-postgres: moving PostgreSQL $version/$name from port $port to $PORT (the tests' default)"
  pg_conftool "$version" "$name" set port "$PORT"
  if [ "$status" = "online" ]; then
    pg_ctlcluster "$version" "$name" stop || true
  fi
fi

echo "ensure-postgres: starting PostgreSQL $version/$name on port $PORT"
pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start 2>/dev/null \
  || pg_ctlcluster "$version" "$name" start || true
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    prepare
    exit 0
  fi
  sleep 1
done
echo "ensure-postgres: PostgreSQL $version/$name did not answer on 127.0.0.1:$PORT within 30 s;" \
  "see ${logfile:-its log in /var/log/postgresql}" >&2
exit 1
