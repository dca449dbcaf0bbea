"""The player's liveness from its heartbeat, a playing broadcast's progress, zone codes to ids: table tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from broadcast.errors import InvalidInput
from broadcast.playout.status import on_air_progress, player_alive, player_stale_after_s
from broadcast.stations.lookup import zone_ids_of
from broadcast.timeutil import UTC

NOW = datetime(2024, 11, 20, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(("sync_interval_s", "stale_s"), [(5, 30.0), (10, 30.0), (15, 45.0), (60, 180.0)])
def test_stale_after_three_missed_beats_and_never_under_half_a_minute(sync_interval_s, stale_s):
    assert player_stale_after_s(sync_interval_s) == stale_s


@pytest.mark.parametrize(("beat_ago_s", "stale_s", "alive"), [
    (None, 30, False), (0, 30, True), (29.9, 30, True), (30, 30, False), (3600, 30, False), (100, 180, True), (-2, 30, True),
])
def test_player_alive(beat_ago_s, stale_s, alive):
    beat = None if beat_ago_s is None else NOW - timedelta(seconds=beat_ago_s)
    assert player_alive(beat, NOW, stale_s) is alive


def _broadcast(started_ago_s, audio_s=None, items=(60.0, 30.0)):  # type: ignore[no-untyped-def]
    started = None if started_ago_s is None else NOW - timedelta(seconds=started_ago_s)
    return SimpleNamespace(started_at=started, audio_duration_s=audio_s, items=[SimpleNamespace(duration_s=d) for d in items])


@pytest.mark.parametrize(("broadcast", "progress"), [
    (None, (0.0, 0.0)),
    (_broadcast(20), (20.0, 90.0)),           # items' sum when the audio was not made in one piece
    (_broadcast(20, audio_s=95.5), (20.0, 95.5)),
    (_broadcast(500), (90.0, 90.0)),          # never past the end
    (_broadcast(-5), (0.0, 90.0)),            # clock skew: never before the start
    (_broadcast(None), (0.0, 90.0)),          # marked playing, start not stamped yet
])
def test_on_air_progress(broadcast, progress):
    assert on_air_progress(broadcast, NOW) == progress


def test_zone_codes_to_ids():
    station = SimpleNamespace(slug="cam-tan", zones=[SimpleNamespace(code="thon-1", id=11), SimpleNamespace(code="thon-2", id=12)])
    assert zone_ids_of(station, []) == [] and zone_ids_of(station, ["thon-2", "thon-1"]) == [12, 11]
    with pytest.raises(InvalidInput, match="'thon-9'.*thon-1, thon-2") as refused:
        zone_ids_of(station, ["thon-1", "thon-9"])
    assert refused.value.field == "zones"
