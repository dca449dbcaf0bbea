#!/usr/bin/env bash
# Run the test suite against a throw-away PostgreSQL server (started and stopped here).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d /tmp/loaxa-pg.XXXXXX)"
chmod 755 "$dir"
# A free loopback port, so a server left by an earlier run cannot get in the way.
port="${LOAXA_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
trap 'tools/pg-test-server.sh stop "$dir/pg"; rm -rf "$dir"' EXIT
url="$(tools/pg-test-server.sh start "$dir/pg" "$port")"
LOAXA_TEST_POSTGRES_URL="$url" tools/run-pytest.sh "$@"
