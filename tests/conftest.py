"""Shared fixtures: a real SQLite file per test, settings under tmp_path, the demo station."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from broadcast.config import Settings, load_settings
from broadcast.db import make_engine, make_session_factory, transaction, upgrade


def make_settings(tmp_path: Path, **overrides) -> Settings:
    """Settings whose data dir is a fresh temporary folder."""
    return load_settings(env={}, data_dir=str(tmp_path / "var"), **overrides)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def factory(settings: Settings):
    engine = make_engine(settings.db_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo loaded once per test session (rendering takes a few seconds)."""
    from broadcast.demo import load_demo
    from broadcast.timeutil import SystemClock

    root = tmp_path_factory.mktemp("demo")
    settings = make_settings(root)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        load_demo(session, settings, SystemClock().now().astimezone(settings.tz).date())
    engine.dispose()
    return root / "var"


@pytest.fixture
def demo_settings(tmp_path: Path, demo_template: Path) -> Settings:
    """A private copy of the demo data dir for one test (paths inside the DB point at it)."""
    target = tmp_path / "var"
    shutil.copytree(demo_template, target)
    settings = make_settings(tmp_path)
    _rebase_paths(settings, str(demo_template), str(target))
    return settings


def _rebase_paths(settings: Settings, old: str, new: str) -> None:
    """Point stored file paths at the copied data dir."""
    from sqlalchemy import update

    from broadcast.models import Asset, Render

    engine = make_engine(settings.db_url)
    with engine.begin() as conn:
        for model in (Asset, Render):
            rows = conn.execute(model.__table__.select()).mappings().all()
            for row in rows:
                conn.execute(update(model).where(model.id == row["id"]).values(path=row["path"].replace(old, new, 1)))
    engine.dispose()


@pytest.fixture
def demo_factory(demo_settings: Settings):
    engine = make_engine(demo_settings.db_url)
    yield make_session_factory(engine)
    engine.dispose()
