# loaxa: `make run` sets up and starts the station; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export LOAXA_DATA_DIR ?= var

PHONY_EXTRA := test-sqlite test-postgres test-one-by-one lint-imports reliability
.PHONY: run test $(PHONY_EXTRA) install install-test system system-test system-doc demo bench clean screenshots

run: install
	$(PY) -m loaxa demo
	$(PY) -m loaxa serve

# The PostgreSQL pass skips the packages and files that never touch a database (same code, same result: text, sound,
# the player and its stall watch, the Icecast relay, the importers' fuzzing, the benchmark runner), the process-level
# end-to-end tests (serve, real-time faults, the report built from playout, `loaxa live` against `loaxa play`, the
# panel over HTTPS: their database work is the playout, live and log code already run on PostgreSQL by tests/scheduler,
# tests/reliability and tests/web), the player's latency tests (tests/scheduler/test_realtime.py: a start offset and an
# emergency's cut-in time; the emergency watch and cut run on PostgreSQL in tests/scheduler/test_live.py), and the browser
# tests: every page's database work is already run on PostgreSQL through the Flask client tests (tests/web/test_pages.py ...).
PG_SKIP := --ignore=tests/scripts_vi --ignore=tests/audio --ignore=tests/test_bench.py --ignore=tests/web/test_browser.py \
	--ignore=tests/test_serve.py --ignore=tests/reliability/test_faults.py --ignore=tests/broadcast/test_report_from_playout.py \
	--ignore=tests/scheduler/test_player_arm.py --ignore=tests/scheduler/test_stall.py --ignore=tests/province/test_stream_relay.py \
	--ignore=tests/reliability/test_fuzz_importers.py --ignore=tests/web/test_live_browser.py --ignore=tests/test_live_cli.py \
	--ignore=tests/web/test_tls.py --ignore=tests/web/test_voice_browser.py --ignore=tests/reliability/test_live_kill_web.py \
	--ignore=tests/scheduler/test_realtime.py

# The import contracts first (a second), then both passes phase by phase (tools/test-suite.sh): each pass's
# timing-free tests on every core; both passes' real-time tests side by side (SQLite two files at a time, PostgreSQL
# one); each pass's latency tests alone. `make test-one-by-one` runs the SQLite pass whole, then the PostgreSQL pass.
test: install-test lint-imports
	tools/test-suite.sh $(PG_SKIP)

test-one-by-one: install-test lint-imports
	tools/run-pytest.sh
	tools/test-postgres.sh $(PG_SKIP)

# The layering of pyproject.toml [tool.importlinter]: a broken contract prints the offending imports and fails.
lint-imports: install-test
	$(VENV)/bin/lint-imports --no-cache

# Rewrite docs/reliability.md: the reliability tests in one session, one at a time (make test runs them two files at
# a time in separate processes, which leaves the page alone).
reliability: install-test
	LOAXA_TEST_SLOW_WORKERS=1 LOAXA_TEST_PHASES=slow tools/run-pytest.sh tests/reliability

# Refresh the operator guide's screenshots (docs/screenshots/) from the browser tests.
screenshots: install-test
	LOAXA_SCREENSHOTS=1 LOAXA_TEST_PHASES=slow tools/run-pytest.sh tests/web/test_browser.py

test-sqlite: install-test
	tools/run-pytest.sh

test-postgres: install-test
	tools/test-postgres.sh $(PG_SKIP)

system:
	tools/install-system.sh run

system-test:
	tools/install-system.sh test

# LibreOffice for importing Word 97–2003 (.doc) files; `make run WITH_DOC=1` does the same.
system-doc:
	tools/install-system.sh doc

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,postgres]'
	touch $@ $(STAMP)

install: system $(STAMP)

install-test: system-test $(TEST_STAMP)

bench: install-test
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache
