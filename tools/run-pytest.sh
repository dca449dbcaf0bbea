#!/usr/bin/env bash
# The suite in two phases: tests that do not depend on wall-clock timing run on every core (pytest-xdist);
# then the real-time playout, browser and reliability tests (marked slow) run one at a time, as they would on air.
# Arguments go to both phases (the PostgreSQL pass adds its --ignore options).
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${LOAXA_TEST_WORKERS:-$(nproc)}"
status=0
.venv/bin/python -m pytest -m "not slow" -n "$workers" "$@"
code=$?; [ "$code" -eq 0 ] || [ "$code" -eq 5 ] || status=$code
.venv/bin/python -m pytest -m slow "$@"
code=$?; [ "$code" -eq 0 ] || [ "$code" -eq 5 ] || status=$code
exit "$status"
