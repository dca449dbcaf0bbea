#!/usr/bin/env bash
# The suite in two phases: tests that do not depend on wall-clock timing run on every core (pytest-xdist);
# then the real-time playout, browser and reliability tests (marked slow): two files at a time (each mostly waits on
# the clock: about 0.7 of a core between them), then those marked solo (they assert a latency or a rate) one at a time.
# Arguments go to every run (the PostgreSQL pass adds its --ignore options).
# A phase that collects no test fails (pytest's exit 5): a wrong path or --ignore must never pass as green (the slow
# phase's two runs count as one: a file of slow tests has no solo test, or only solo ones).
# To leave a phase out on purpose (say, for a file of slow tests only): LOAXA_TEST_PHASES=slow (default "fast slow").
# LOAXA_TEST_SLOW_WORKERS sets how many slow files run side by side (default 2; 1 runs them one at a time).
set -uo pipefail
cd "$(dirname "$0")/.."
workers="${LOAXA_TEST_WORKERS:-$(nproc)}"
slow_workers="${LOAXA_TEST_SLOW_WORKERS:-2}"
phases="${LOAXA_TEST_PHASES:-fast slow}"
for phase in $phases; do
  case "$phase" in
    fast|slow) ;;
    *) echo "LOAXA_TEST_PHASES: unknown phase '$phase': use fast, slow or \"fast slow\"." >&2; exit 2 ;;
  esac
done
status=0

fold() {  # fold <phase> <exit code>: a phase's exit code into the run's status
  if [ "$2" -eq 5 ]; then
    echo "The $1 phase collected no test: check the paths and --ignore options, or leave the phase out with LOAXA_TEST_PHASES." >&2
  fi
  [ "$2" -eq 0 ] || status=$2
}

for phase in $phases; do
  if [ "$phase" = fast ]; then
    .venv/bin/python -m pytest -m "not slow" -n "$workers" "$@"
    fold fast $?
  elif [ "$slow_workers" -gt 1 ]; then
    .venv/bin/python -m pytest -m "slow and not solo" -n "$slow_workers" --dist loadfile "$@"
    side=$?
    .venv/bin/python -m pytest -m "slow and solo" "$@"
    alone=$?
    # Nothing collected by one run is fine when the other ran tests; by both, the phase collected nothing.
    if [ "$side" -eq 5 ] && [ "$alone" -ne 5 ]; then side=0; fi
    if [ "$alone" -eq 5 ] && [ "$side" -ne 5 ]; then alone=0; fi
    fold slow "$side"
    [ "$side" -eq 5 ] || fold slow "$alone"
  else
    .venv/bin/python -m pytest -m slow "$@"
    fold slow $?
  fi
done
exit "$status"
