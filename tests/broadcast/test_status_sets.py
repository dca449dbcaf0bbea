"""The shared status sets, one table per enum (every member listed, so a new status is placed on purpose), and is_unstarted."""

from datetime import datetime, timedelta, timezone

import pytest

from broadcast.models import (
    AIRED, AIRED_IN_FULL, LOG_FAULTS, NOT_AIRED, UNSTARTED, BroadcastStatus, LogStatus, is_unstarted,
)


@pytest.mark.parametrize("status, unstarted, not_aired", [
    ("planned", True, False),
    ("ready", True, False),
    ("playing", False, False),
    ("done", False, False),
    ("missed", False, True),
    ("interrupted", False, False),
    ("failed", False, True),
    ("cancelled", False, False),
])
def test_broadcast_status_sets(status, unstarted, not_aired):
    member = BroadcastStatus(status)
    assert (member in UNSTARTED, member in NOT_AIRED) == (unstarted, not_aired)


def test_broadcast_table_covers_every_status():
    assert {s.value for s in BroadcastStatus} == {"planned", "ready", "playing", "done", "missed", "interrupted", "failed", "cancelled"}


@pytest.mark.parametrize("status, aired, in_full, fault", [
    ("played", True, True, False),
    ("late", True, True, False),
    ("interrupted", True, False, False),
    ("missed", False, False, True),
    ("failed", False, False, True),
    ("skipped", False, False, False),
])
def test_log_status_sets(status, aired, in_full, fault):
    member = LogStatus(status)
    assert (member in AIRED, member in AIRED_IN_FULL, member in LOG_FAULTS) == (aired, in_full, fault)


def test_log_table_covers_every_status():
    assert {s.value for s in LogStatus} == {"played", "late", "interrupted", "missed", "failed", "skipped"}


NOW = datetime(2024, 11, 20, 5, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("status, start, unstarted", [
    ("planned", NOW + timedelta(seconds=1), True),
    ("ready", NOW + timedelta(hours=3), True),
    ("planned", NOW, False),  # its start has come: playout owns it now
    ("ready", NOW - timedelta(minutes=5), False),
    ("playing", NOW + timedelta(hours=1), False),
    ("done", NOW + timedelta(hours=1), False),
    ("cancelled", NOW + timedelta(hours=1), False),
    ("missed", NOW - timedelta(hours=1), False),
])
def test_is_unstarted(status, start, unstarted):
    assert is_unstarted(BroadcastStatus(status), start, NOW) is unstarted
