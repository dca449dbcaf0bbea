#!/usr/bin/env bash
# The suite in two phases: tests that do not depend on wall-clock timing run on every core (pytest-xdist);
# then the real-time playout, browser and reliability tests (marked slow) run one at a time, as they would on air.
# Arguments go to both phases (the PostgreSQL pass adds its --ignore options).
# A phase that collects no test fails (pytest's exit 5): a wrong path or --ignore must never pass as green.
# To leave a phase out on purpose (say, for a file of slow tests only): LOAXA_TEST_PHASES=slow (default "fast slow").
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${LOAXA_TEST_WORKERS:-$(nproc)}"
phases="${LOAXA_TEST_PHASES:-fast slow}"
for phase in $phases; do
  case "$phase" in
    fast|slow) ;;
    *) echo "LOAXA_TEST_PHASES: unknown phase '$phase': use fast, slow or \"fast slow\"." >&2; exit 2 ;;
  esac
done
status=0
for phase in $phases; do
  if [ "$phase" = fast ]; then
    .venv/bin/python -m pytest -m "not slow" -n "$workers" "$@"
  else
    .venv/bin/python -m pytest -m slow "$@"
  fi
  code=$?
  if [ "$code" -eq 5 ]; then
    echo "The $phase phase collected no test: check the paths and --ignore options, or leave the phase out with LOAXA_TEST_PHASES." >&2
  fi
  [ "$code" -eq 0 ] || status=$code
done
exit "$status"
