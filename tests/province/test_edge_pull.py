"""Pull rules against a real central panel: updates, withdrawals, damaged local audio, the wrong station."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.errors import InvalidInput
from broadcast.models import Broadcast, BroadcastStatus
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.province import edge, central as edge_central
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from tests.conftest import drop_database, make_settings
from tests.processes import free_port, panel_process


@pytest.fixture
def commune(tmp_path: Path):
    settings = make_settings(tmp_path / "commune", station="cam-tan")
    yield settings
    drop_database(settings.database_url)


def test_second_pull_updates_cancels_and_repairs(demo_settings, demo_factory, commune):
    now = SystemClock().now()
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        token = edge_central.create_token(session, station, "xã", now)
        kept = create_message_broadcast(session, demo_settings, station, "Tin sáng", "Tin buổi sáng.", now + timedelta(hours=1), with_jingles=False)
        gone = create_message_broadcast(session, demo_settings, station, "Tin trưa", "Tin buổi trưa.", now + timedelta(hours=2), with_jingles=False)
        kept_id, gone_id = kept.id, gone.id
    with panel_process(demo_settings, free_port()) as url:
        first = edge.pull(commune, url, token, now, days=1)
        assert (first.created, first.files_downloaded) == (2, 2)
        with transaction(demo_factory) as session:
            session.get(Broadcast, kept_id).title = "Tin sáng (sửa)"
            session.get(Broadcast, gone_id).status = BroadcastStatus.CANCELLED
        engine = make_engine(commune.db_url)
        with transaction(make_session_factory(engine)) as session:
            damaged = Path(session.get(Broadcast, kept_id).items[0].audio_path)
        engine.dispose()
        damaged.write_bytes(damaged.read_bytes()[:100])  # a file cut by a power failure is fetched again
        second = edge.pull(commune, url, token, now, days=1)
        assert (second.created, second.updated, second.cancelled, second.files_downloaded) == (0, 1, 1, 1)
        with pytest.raises(InvalidInput, match="LOAXA_STATION=cam-tan"):
            edge.pull(make_settings(commune.data_dir.parent / "other", station="xa-khac"), url, token, now, days=1)
    engine = make_engine(commune.db_url)
    with transaction(make_session_factory(engine)) as session:
        assert session.get(Broadcast, kept_id).title == "Tin sáng (sửa)"
        assert session.get(Broadcast, gone_id).status == BroadcastStatus.CANCELLED
        assert len(session.get(Broadcast, kept_id).items) == 1
    engine.dispose()
    assert edge_central.file_sha256(damaged) == damaged.name
