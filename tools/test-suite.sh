#!/usr/bin/env bash
# `make test`: the SQLite pass and the PostgreSQL pass (arguments: its --ignore options), phase by phase, so that the
# two passes' real-time tests share the wait: each pass's timing-free tests on every core, one pass after the other;
# then both passes' side-by-side slow tests at once (they mostly wait on the clock); then each pass's solo tests, alone.
# The PostgreSQL side run takes one file at a time (LOAXA_TEST_PG_SLOW_WORKERS), the SQLite one two: three real-time
# tests at once at most. It writes to a file, printed when it ends, so the two progress lines never mix.
set -uo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d /tmp/loaxa-suite.XXXXXX)"
chmod 755 "$dir"
port="${LOAXA_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
trap 'tools/pg-test-server.sh stop "$dir/pg"; rm -rf "$dir"' EXIT
url="$(tools/pg-test-server.sh start "$dir/pg" "$port")" || exit 1
status=0

sqlite() { LOAXA_TEST_PHASES="$1" tools/run-pytest.sh; }
postgres() { local phase="$1"; shift; LOAXA_TEST_PHASES="$phase" LOAXA_TEST_POSTGRES_URL="$url" tools/run-pytest.sh "$@"; }
keep() { [ "$1" -eq 0 ] || status=$1; }
title() { printf '\n=== %s ===\n' "$1"; }

title "SQLite: timing-free tests"; sqlite fast; keep $?
title "PostgreSQL: timing-free tests"; postgres fast "$@"; keep $?
title "SQLite and PostgreSQL: real-time tests side by side (PostgreSQL's output follows)"
LOAXA_TEST_SLOW_WORKERS="${LOAXA_TEST_PG_SLOW_WORKERS:-1}" postgres side "$@" >"$dir/postgres-side.log" 2>&1 &
pg_side=$!
sqlite side; keep $?
wait "$pg_side"; pg_rc=$?
title "PostgreSQL: real-time tests (run beside the SQLite ones above)"; cat "$dir/postgres-side.log"; keep "$pg_rc"
title "SQLite: latency tests, alone"; sqlite solo; keep $?
title "PostgreSQL: latency tests, alone"; postgres solo "$@"; keep $?
exit "$status"
