#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the back-office tests,
# starting the Debian cluster if it is installed but stopped. TEST_DATABASE_URL tells the
# tests where it is.
set -euo pipefail

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
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
  pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not start" >&2
exit 1
