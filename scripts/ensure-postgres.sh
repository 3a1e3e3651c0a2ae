#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the back-office tests,
# starting the Debian cluster if it is installed but stopped. TEST_DATABASE_URL tells the
# tests where it is.
set -euo pipefail

# The tests' default TEST_DATABASE_URL is postgresql://postgres:postgres@127.0.0.1:5432/test.
# A fresh Debian cluster uses peer/scram auth and has no "test" database, so once the server
# answers we give the postgres role that password and create the database (both idempotent).
prepare() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return 0; fi  # someone else's server: leave it be
  if [ "$(id -u)" -eq 0 ]; then AS_PG=(su postgres -c); else AS_PG=(sudo -u postgres sh -c); fi
  if PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d test -Atc "select 1" >/dev/null 2>&1; then
    return 0
  fi
  "${AS_PG[@]}" "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" || true
  "${AS_PG[@]}" "psql -Atc \"select 1 from pg_database where datname = 'test'\" | grep -q 1 || createdb test" || true
  PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d test -Atc "select 1" >/dev/null || {
    echo "ensure-postgres: cannot sign in as postgres/postgres on 127.0.0.1 (check pg_hba.conf)" >&2
    exit 1
  }
}

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  prepare
  exit 0
fi
version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
if [ -z "$version" ]; then
  echo "ensure-postgres: no PostgreSQL cluster found (setup-system.sh installs one)" >&2
  exit 1
fi
echo "ensure-postgres: starting PostgreSQL $version"
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster "$version" main start
for _ in $(seq 1 30); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    prepare
    exit 0
  fi
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not start" >&2
exit 1
