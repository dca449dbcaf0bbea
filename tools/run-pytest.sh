#!/usr/bin/env bash
# One pass of the suite (SQLite, or PostgreSQL when LOAXA_TEST_POSTGRES_URL is set), in phases:
#   fast  the tests that do not depend on wall-clock timing, on every core (pytest-xdist);
#   side  the real-time playout, browser and reliability tests (marked slow), two files at a time: each mostly waits
#         on the clock (about 0.7 of a core between two);
#   solo  the slow tests that assert a latency or a rate (marked solo), one at a time, with nothing beside them;
#   slow  side then solo, counted as one phase (a file of slow tests may have no solo test, or only solo ones).
# Arguments go to every run (the PostgreSQL pass adds its --ignore options).
# A phase that collects no test fails (pytest's exit 5): a wrong path or --ignore must never pass as green.
# LOAXA_TEST_PHASES picks the phases, in order (default "fast slow"); tools/test-suite.sh runs them across both passes.
# LOAXA_TEST_SLOW_WORKERS sets how many slow files run side by side (default 2; 1 runs them one at a time).
set -uo pipefail
cd "$(dirname "$0")/.."
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE=1): otherwise each pytest
# process rewrites all 420 test modules again (collection 5.8 s instead of 3.0) and each `loaxa` child the tests start
# compiles the project again (0.9 s of imports instead of 0.6). __pycache__ is ignored by git.
unset PYTHONDONTWRITEBYTECODE
workers="${LOAXA_TEST_WORKERS:-$(nproc)}"
# The ten slowest tests of each run are listed at its end: where the suite's minutes go, in every CI log.
export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --durations=10"
slow_workers="${LOAXA_TEST_SLOW_WORKERS:-2}"
phases="${LOAXA_TEST_PHASES:-fast slow}"
for phase in $phases; do
  case "$phase" in
    fast|side|solo|slow) ;;
    *) echo "LOAXA_TEST_PHASES: unknown phase '$phase': use fast, side, solo or slow (side then solo)." >&2; exit 2 ;;
  esac
done
status=0

fold() {  # fold <phase> <exit code>: a phase's exit code into the run's status
  if [ "$2" -eq 5 ]; then
    echo "The $1 phase collected no test: check the paths and --ignore options, or leave the phase out with LOAXA_TEST_PHASES." >&2
  fi
  [ "$2" -eq 0 ] || status=$2
}

side() {  # the slow tests that may run beside each other
  if [ "$slow_workers" -gt 1 ]; then
    .venv/bin/python -m pytest -m "slow and not solo" -n "$slow_workers" --dist loadfile "$@"
  else
    .venv/bin/python -m pytest -m "slow and not solo" "$@"
  fi
}

for phase in $phases; do
  case "$phase" in
    fast)
      .venv/bin/python -m pytest -m "not slow" -n "$workers" "$@"
      fold fast $? ;;
    side)
      side "$@"
      fold side $? ;;
    solo)
      .venv/bin/python -m pytest -m "slow and solo" "$@"
      fold solo $? ;;
    slow)
      if [ "$slow_workers" -le 1 ]; then
        # One session for every slow test: `make reliability` writes docs/reliability.md only from a session that ran
        # every reliability file.
        .venv/bin/python -m pytest -m slow "$@"
        fold slow $?
        continue
      fi
      side "$@"
      beside=$?
      .venv/bin/python -m pytest -m "slow and solo" "$@"
      alone=$?
      # Nothing collected by one run is fine when the other ran tests; by both, the phase collected nothing.
      if [ "$beside" -eq 5 ] && [ "$alone" -ne 5 ]; then beside=0; fi
      if [ "$alone" -eq 5 ] && [ "$beside" -ne 5 ]; then alone=0; fi
      fold slow "$beside"
      [ "$beside" -eq 5 ] || fold slow "$alone" ;;
  esac
done
exit "$status"
