"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL when
LOAXA_TEST_POSTGRES_URL names a server), settings under tmp_path, the demo station."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text, update
from sqlalchemy.engine import make_url

from broadcast.config import Settings, load_settings
from broadcast.db import make_engine, make_session_factory, transaction, upgrade

POSTGRES_ADMIN_URL = os.environ.get("LOAXA_TEST_POSTGRES_URL", "")
SHARED_DEMO_RENDERS = Path(__file__).resolve().parents[1] / ".pytest_cache" / "loaxa-demo-renders"
ALLOW_SKIPS = "LOAXA_ALLOW_SKIPS"

# A fresh clone's make test must pass every time: property tests draw the same examples on every run. Searching for
# new ones is a developer's run, with LOAXA_HYPOTHESIS_SEARCH=1 (random examples, remembered in .hypothesis/).
hypothesis_settings.register_profile("same-every-run", derandomize=True, database=None)
if not os.environ.get("LOAXA_HYPOTHESIS_SEARCH"):
    hypothesis_settings.load_profile("same-every-run")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """A skipped test fails (see _skip_fails)."""
    outcome = yield
    _skip_fails(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # type: ignore[no-untyped-def]
    """A skipped module (a module-level importorskip) fails too."""
    outcome = yield
    _skip_fails(outcome.get_result())


def _skip_fails(report) -> None:  # type: ignore[no-untyped-def]
    """Turn a skip into a failure: it means a tool, package or file the suite needs is missing, and a green run would
    claim tests that never ran. A developer's partial machine opts out with LOAXA_ALLOW_SKIPS=1."""
    if not report.skipped or hasattr(report, "wasxfail") or os.environ.get(ALLOW_SKIPS) == "1":
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (f"{reason}\nA skip fails the suite: install what is missing (`make install-test`), "
                       f"or set {ALLOW_SKIPS}=1 on a machine that cannot have it.")


# The real-time files that take longest (minutes of wall clock each), longest first. xdist's loadfile hands files out
# in collection order, so one of these collected last would run alone at the end of the side phase; first, the two
# workers stay busy to its end. Only the order changes: every file's tests stay together and in their own order.
LONGEST_FIRST = ("tests/reliability/test_faults.py", "tests/web/test_browser.py", "tests/broadcast/test_report_from_playout.py",
                 "tests/test_serve.py", "tests/test_bench.py", "tests/reliability/test_kill_play_repeated.py", "tests/scheduler/test_live.py")


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Longest files first (LONGEST_FIRST); on the PostgreSQL pass, tests of SQLite-only behaviour (marker sqlite_only)
    are deselected: not run, and not skips."""
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: the rest keep their order
    if not POSTGRES_ADMIN_URL:
        return
    sqlite_only = [item for item in items if item.get_closest_marker("sqlite_only")]
    if sqlite_only:
        config.hook.pytest_deselected(items=sqlite_only)
        items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]


def _admin(sql: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def new_database(template: str | None = None) -> str:
    """A fresh, empty PostgreSQL database (or a copy of a template); returns its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a test database, closing whatever still holds it."""
    if POSTGRES_ADMIN_URL and url.startswith("postgresql"):
        _admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def make_settings(tmp_path: Path, **overrides) -> Settings:
    """Settings whose data dir is a fresh temporary folder (and a fresh database on PostgreSQL)."""
    if POSTGRES_ADMIN_URL and "database_url" not in overrides:
        overrides["database_url"] = new_database()
    return load_settings(env={}, data_dir=str(tmp_path / "var"), **overrides)


def subprocess_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for a `loaxa` child process using the same data dir and database."""
    env = {**os.environ, "LOAXA_DATA_DIR": str(settings.data_dir), "LOAXA_DATABASE_URL": settings.database_url}
    env.update(extra)
    return env


def cli_args(settings: Settings) -> list[str]:
    """Leading `loaxa` arguments for CliRunner so it uses these settings' data dir."""
    return ["--data-dir", str(settings.data_dir)]


@pytest.fixture
def settings(tmp_path: Path):
    s = make_settings(tmp_path)
    previous = os.environ.get("LOAXA_DATABASE_URL")
    if s.database_url:
        os.environ["LOAXA_DATABASE_URL"] = s.database_url  # so CliRunner and create_app() see it too
    yield s
    _restore_env(previous)
    drop_database(s.database_url)


@pytest.fixture
def factory(settings: Settings):
    engine = make_engine(settings.db_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory):
    """A data dir (and, on PostgreSQL, a template database) with the demo loaded once per test run.

    Tests only ever clone it, so the xdist workers of one run share it: the first to ask builds it, the others wait on
    the lock and reuse it (a build is ten seconds of ffmpeg and password hashing, more on a busy machine). Each worker
    counts itself in; the last one done with it drops its database and deletes its files."""
    # A worker's basetemp is <run>/popen-gwN: their parent is the run's own folder. A run without xdist is alone.
    run_root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_root = run_root.parent
    shared = run_root / "demo-template"
    state_file = run_root / "demo-template.json"
    with FileLock(str(run_root / "demo-template.lock")):
        state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else None
        if state is None:
            settings = _build_demo(shared)
            state = {"data_dir": str(settings.data_dir), "database_url": settings.database_url, "users": 0}
        state["users"] += 1
        state_file.write_text(json.dumps(state), encoding="utf-8")
    overrides = {"database_url": state["database_url"]} if state["database_url"] else {}
    yield load_settings(env={}, data_dir=state["data_dir"], **overrides)
    with FileLock(str(run_root / "demo-template.lock")):
        state = json.loads(state_file.read_text(encoding="utf-8"))
        state["users"] -= 1
        if state["users"] > 0:
            state_file.write_text(json.dumps(state), encoding="utf-8")
            return
        # The last user: a worker asking after this (its first demo test came late) builds it again.
        state_file.unlink()
        drop_database(state["database_url"])
        shutil.rmtree(shared, ignore_errors=True)


def _build_demo(root: Path) -> Settings:
    """Load the demo into a fresh data dir (and database) under root."""
    from broadcast.ops.demo import load_demo
    from broadcast.timeutil import SystemClock

    shutil.rmtree(root, ignore_errors=True)  # what a failed build may have left
    settings = make_settings(root)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    renders = settings.audio_dir / "renders"
    # The demo's fourteen scripts read once per checkout, not once per run: the first build renders them for real and
    # leaves them in a shared folder; later builds start from a copy and find them in their render cache (the station's
    # own cache, keyed by text, voice and format). The lock makes a concurrent build (another run) wait and reuse.
    SHARED_DEMO_RENDERS.mkdir(parents=True, exist_ok=True)
    with FileLock(SHARED_DEMO_RENDERS.with_suffix(".lock")):
        shutil.copytree(SHARED_DEMO_RENDERS, renders, dirs_exist_ok=True)
        with transaction(make_session_factory(engine)) as session:
            load_demo(session, settings, SystemClock().now().astimezone(settings.tz).date())
        shutil.copytree(renders, SHARED_DEMO_RENDERS, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*"))
    engine.dispose()
    return settings


# The demo campaign's month as `loaxa simulate` airs it (tests/scheduler/test_simulate.py, tests/broadcast/test_report.py).
SIMULATED_MONTH = ("15/11/2024", "2024-12-15")


@pytest.fixture(scope="session")
def simulated_month_template(tmp_path_factory: pytest.TempPathFactory, demo_template: Settings):
    """A copy of the demo on which `loaxa simulate` aired the campaign month, once per session: its tests only read it, so
    two of them in one process (a serial run, or one xdist worker) simulate once (pytest-xdist's loadgroup, which could
    pin them together, does not group under pytest 9)."""
    from click.testing import CliRunner

    from loaxa.cli import main

    settings = clone_settings(demo_template, tmp_path_factory.mktemp("simulated-month"))
    first, last = SIMULATED_MONTH
    result = CliRunner().invoke(main, [*cli_args(settings), "simulate", "--from", first, "--to", last, "--sink", "null"],
                                env={"LOAXA_DATABASE_URL": settings.database_url} if settings.database_url else None)
    assert result.exit_code == 0, result.output
    yield settings
    discard(settings)


@pytest.fixture
def simulated_month(simulated_month_template: Settings):
    """The simulated month's settings and a session factory, with its database named for CliRunner and create_app()."""
    previous = os.environ.get("LOAXA_DATABASE_URL")
    if simulated_month_template.database_url:
        os.environ["LOAXA_DATABASE_URL"] = simulated_month_template.database_url
    engine = make_engine(simulated_month_template.db_url)
    yield simulated_month_template, make_session_factory(engine)
    engine.dispose()
    _restore_env(previous)


def clone_settings(source: Settings, root: Path) -> Settings:
    """A private copy of a data dir and its database under root (a template copy on PostgreSQL)."""
    target = root / "var"
    shutil.copytree(source.data_dir, target)
    overrides = {}
    if source.database_url:
        overrides["database_url"] = new_database(template=make_url(source.database_url).database)
    settings = make_settings(root, **overrides)
    _rebase_paths(settings, str(source.data_dir), str(target))
    return settings


@pytest.fixture
def demo_settings(tmp_path: Path, demo_template: Settings):
    """A private copy of the demo (files and database) for one test."""
    settings = clone_settings(demo_template, tmp_path)
    previous = os.environ.get("LOAXA_DATABASE_URL")
    if settings.database_url:
        os.environ["LOAXA_DATABASE_URL"] = settings.database_url
    yield settings
    _restore_env(previous)
    discard(settings)


def discard(settings: Settings) -> None:
    """Drop a test's database and delete its data dir (a demo copy is 160 MB: hundreds would fill the disk)."""
    drop_database(settings.database_url)
    shutil.rmtree(settings.data_dir, ignore_errors=True)


def _restore_env(previous: str | None) -> None:
    if previous is None:
        os.environ.pop("LOAXA_DATABASE_URL", None)
    else:
        os.environ["LOAXA_DATABASE_URL"] = previous


def _rebase_paths(settings: Settings, old: str, new: str) -> None:
    """Point stored file paths at the copied data dir."""
    from broadcast.models import Asset, Render

    engine = make_engine(settings.db_url)
    with engine.begin() as conn:
        for model in (Asset, Render):
            for row in conn.execute(model.__table__.select()).mappings().all():
                conn.execute(update(model).where(model.id == row["id"]).values(path=row["path"].replace(old, new, 1)))
    engine.dispose()


@pytest.fixture
def demo_factory(demo_settings: Settings):
    engine = make_engine(demo_settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()


def quiet_programmes(factory) -> None:
    """Turn the demo's daily programmes (05:30 and 17:00) off: a player on the real clock airs only the test's own
    broadcasts, whatever the time of day the test runs at."""
    from broadcast.models import Slot

    with transaction(factory) as session:
        session.execute(update(Slot).values(is_active=False))


@pytest.fixture
def quiet_demo(demo_factory):
    """The demo copy with its daily programmes off (pytest.mark.usefixtures("quiet_demo") for a whole file)."""
    quiet_programmes(demo_factory)
    return demo_factory
