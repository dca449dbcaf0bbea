"""Edge playout for real: a central `loaxa web`, a commune data dir, the link cut mid-day, `loaxa play` airing from the local copy."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from broadcast.asrun import chain as asrun

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.errors import LoaxaError
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.province import edge, central as edge_central
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from loaxa.cli import main
from tests.conftest import drop_database, make_settings, quiet_programmes, subprocess_env
from tests.processes import free_port, panel_process

pytestmark = pytest.mark.slow
LEAD_S = 14  # seconds between creating the short broadcast centrally and its air time


@pytest.fixture
def commune(tmp_path: Path):
    settings = make_settings(tmp_path / "commune", station="cam-tan", sync_interval_s=1.0, preload_s=2.0)
    yield settings
    drop_database(settings.database_url)


def _log_hashes(settings) -> list[str]:
    engine = make_engine(settings.db_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return session.scalars(select(AsRunEntry.row_hash).order_by(AsRunEntry.seq)).all()
    finally:
        engine.dispose()


def test_commune_airs_from_its_copy_while_the_province_is_down(demo_settings, demo_factory, commune, tmp_path):
    quiet_programmes(demo_factory)  # only this test's broadcasts air, whatever the time of day
    now = SystemClock().now()
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        token = edge_central.create_token(session, station, "xã Cẩm Tân", now)
        soon = create_message_broadcast(session, demo_settings, station, "Thông báo khẩn", "Mời bà con họp thôn.", now + timedelta(seconds=LEAD_S), with_jingles=False)
        later = create_message_broadcast(session, demo_settings, station, "Bản tin chiều", "Bản tin chiều nay.", now + timedelta(hours=6))
        soon_id, later_id, later_items = soon.id, later.id, len(later.items)
    port = free_port()

    with panel_process(demo_settings, port) as url:
        report = edge.pull(commune, url, token, SystemClock().now(), days=1)
    assert report.created == 2 and set(report.broadcast_ids) == {soon_id, later_id}
    assert report.files_downloaded >= later_items and report.files_present == 0

    # The province is down now: the commune keeps its plans, a failed pull deletes nothing.
    with pytest.raises(LoaxaError, match="Không kết nối được máy chủ tỉnh"):
        edge.pull(commune, url, token, SystemClock().now(), days=1)
    with pytest.raises(LoaxaError, match="Không kết nối được máy chủ tỉnh"):
        edge.push(commune, url, token)
    engine = make_engine(commune.db_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        local = {b.id: b for b in session.scalars(select(Broadcast))}
        assert set(local) == {soon_id, later_id}
        for broadcast in local.values():
            assert broadcast.items and all(Path(i.audio_path).is_file() and Path(i.audio_path).parent == edge.audio_store(commune) for i in broadcast.items)

    # `loaxa play` on the commune airs the short broadcast from its local copy.
    env = subprocess_env(commune, LOAXA_STATION="cam-tan", LOAXA_SYNC_INTERVAL_S="1", LOAXA_PRELOAD_S="2")
    player_log = tmp_path / "player.log"
    player = subprocess.Popen([sys.executable, "-m", "loaxa", "play"], env=env, stdout=subprocess.DEVNULL, stderr=player_log.open("ab"))
    try:
        deadline = time.monotonic() + LEAD_S + 30
        status = None
        while time.monotonic() < deadline:
            with transaction(factory) as session:
                status = session.get(Broadcast, soon_id).status
            if status not in (BroadcastStatus.PLANNED, BroadcastStatus.READY, BroadcastStatus.PLAYING):
                break
            assert player.poll() is None, player_log.read_text(errors="replace")[-2000:]
            time.sleep(0.3)
    finally:
        player.terminate()
        _, err = player.communicate(timeout=15)
    assert status == BroadcastStatus.DONE, err.decode()[-2000:]
    with transaction(factory) as session:
        assert asrun.verify(session, station.id).ok
        rows = session.scalars(select(AsRunEntry).order_by(AsRunEntry.seq)).all()
        assert rows and all(r.broadcast_id == soon_id and r.status.value == "played" for r in rows)
        local_count = len(rows)
    engine.dispose()

    # The province is back: push uploads every row once, the central chain verifies, a second push adds nothing.
    with panel_process(demo_settings, port) as url:
        assert edge.push(commune, url, token) == local_count
        assert edge.push(commune, url, token) == 0
        again = edge.pull(commune, url, token, SystemClock().now() - timedelta(seconds=LEAD_S + 60), days=1)
        assert again.kept_started == 1 and again.files_downloaded == 0
        result = CliRunner().invoke(main, ["--data-dir", str(commune.data_dir), "edge", "sync", "--central", url, "--token", token, "--days", "1"])
        assert result.exit_code == 0, result.output
        assert "đã gửi 0 dòng" in result.output
    with transaction(demo_factory) as session:
        assert asrun.verify(session, station.id).ok
        central = session.get(Broadcast, soon_id)
        assert central.status == BroadcastStatus.DONE and central.seconds_aired > 0  # the status page sees it aired
        assert session.get(Broadcast, later_id).status == BroadcastStatus.PLANNED
    assert _log_hashes(demo_settings) == _log_hashes(commune)
    with transaction(make_session_factory(make_engine(commune.db_url))) as session:
        assert session.get(Broadcast, soon_id).status == BroadcastStatus.DONE
