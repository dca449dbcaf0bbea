"""Reliability tests record their figures; the session writes them to docs/reliability.md."""

from __future__ import annotations

import os
from collections import OrderedDict
from datetime import datetime, timezone
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
_figures: "OrderedDict[str, tuple[str, str]]" = OrderedDict()


@pytest.fixture
def record():
    """Record one figure: record(key, value, what)."""

    def add(key: str, value, what: str) -> None:
        _figures[key] = (str(value), what)

    return add


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Every reliability test runs in the slow phase: they kill processes, load the machine and time things."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    """Rewrite docs/reliability.md from this run's figures (only when reliability tests ran and passed)."""
    if not _figures or exitstatus != 0 or os.environ.get("LOAXA_TEST_POSTGRES_URL"):
        return
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker holds only the figures of the tests it ran
    here = Path(__file__).resolve().parent
    ran = {Path(str(item.path)).resolve() for item in session.items}
    if not set(here.glob("test_*.py")) <= ran:
        return  # a partial run (or make test's split slow phase) would replace the page with only part of the figures
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Reliability", "", f"Written by the test suite (`tests/reliability/`) on {now}, {os.cpu_count()} CPUs. "
             "Every figure below comes from a test that fails if the behaviour it counts breaks.", "",
             "| figure | value | what the test did |", "|---|---|---|"]
    lines += [f"| `{key}` | {value} | {what} |" for key, (value, what) in _figures.items()]
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")
