#!/usr/bin/env bash
# Run the test suite against a throw-away PostgreSQL server (started and stopped here).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d /tmp/loaxa-pg.XXXXXX)"
chmod 755 "$dir"
port="${LOAXA_TEST_PG_PORT:-55433}"
url="$(tools/pg-test-server.sh start "$dir/pg" "$port")"
trap 'tools/pg-test-server.sh stop "$dir/pg"; rm -rf "$dir"' EXIT
LOAXA_TEST_POSTGRES_URL="$url" .venv/bin/python -m pytest "$@"
