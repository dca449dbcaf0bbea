"""Backup while the log is being written, and restore into a fresh data dir: same rows, same files."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from broadcast.asrun import chain as asrun
from broadcast.audit import trail
from broadcast.db import make_engine, make_session_factory, transaction, upgrade
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import AsRunEntry, LogStatus, Render, Script
from broadcast.ops.backup import backup, restore
from broadcast.stations.lookup import get_station
from loaxa.cli import main
from tests.conftest import make_settings

T0 = datetime(2024, 11, 15, 22, 30, tzinfo=timezone.utc)


def _write_log_rows(factory, stop: threading.Event, written: list[int]) -> None:
    """A playout stand-in appending chained rows until told to stop."""
    n = 0
    while not stop.is_set() and n < 400:
        with transaction(factory) as session:
            station = get_station(session, "cam-tan")
            asrun.append(session, AsRunEntry(station_id=station.id, planned_start=T0 + timedelta(seconds=n), item_type="script",
                                             title=f"mục {n}", status=LogStatus.PLAYED, seconds=1.0))
        n += 1
        written.append(n)


def test_backup_on_air_then_restore(demo_settings, tmp_path: Path):
    engine = make_engine(demo_settings.db_url)
    factory = make_session_factory(engine)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=_write_log_rows, args=(factory, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        report = backup(demo_settings, engine, tmp_path / "b.tar.gz", datetime.now(timezone.utc))
    finally:
        stop.set()
        writer.join()
    assert report.files >= 14 + 3  # renders (wav + sidecar) and jingles

    fresh = make_settings(tmp_path / "restored")
    fresh_engine = make_engine(fresh.db_url)
    upgrade(fresh_engine)
    restore(fresh, fresh_engine, tmp_path / "b.tar.gz")
    with transaction(make_session_factory(fresh_engine)) as session:
        station = get_station(session, "cam-tan")
        rows = session.scalar(select(func.count()).select_from(AsRunEntry))
        assert 20 <= rows <= len(written)  # a consistent instant between the 20th and last write
        assert asrun.verify(session, station.id).ok  # the snapshot never holds half a chain
        assert session.scalar(select(func.count()).select_from(Script)) == 14
        for render in session.scalars(select(Render)):
            assert render.path.startswith(str(fresh.data_dir)) and Path(render.path).is_file()
    with pytest.raises(Conflict):
        restore(fresh, fresh_engine, tmp_path / "b.tar.gz")


def test_restore_refuses_bad_archives(settings, tmp_path: Path):
    engine = make_engine(settings.db_url)
    upgrade(engine)
    (tmp_path / "x.tar.gz").write_bytes(b"not a tar")
    with pytest.raises(InvalidInput, match="không phải tệp sao lưu"):
        restore(settings, engine, tmp_path / "x.tar.gz")
    with pytest.raises(InvalidInput, match="Không tìm thấy"):
        restore(settings, engine, tmp_path / "missing.tar.gz")


def test_backup_and_restore_commands(demo_settings, tmp_path: Path):
    cli = ["--data-dir", str(demo_settings.data_dir)]
    added = CliRunner().invoke(main, [*cli, "user", "add", "truoc-sao-luu", "--role", "viewer"], input="matkhau-dai-2024\nmatkhau-dai-2024\n")
    assert added.exit_code == 0, added.output  # an audited action before the backup
    out = tmp_path / "cli.tar.gz"
    result = CliRunner().invoke(main, [*cli, "backup", "-o", str(out)])
    assert result.exit_code == 0, result.output
    refused = CliRunner().invoke(main, [*cli, "restore", str(out)])
    assert refused.exit_code == 1 and "--force" in refused.output
    forced = CliRunner().invoke(main, [*cli, "restore", "--force", str(out)])
    assert forced.exit_code == 0, forced.output
    engine = make_engine(demo_settings.db_url)
    with transaction(make_session_factory(engine)) as session:  # the audit trail came back with the backup, whole
        assert [r.object_title for r in trail.query(session, trail.AuditFilter(action="cli.user.add"))] == ["truoc-sao-luu"]
        assert trail.verify(session).ok
    engine.dispose()
