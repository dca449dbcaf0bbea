"""The shared status sets, one table per enum: every member is listed, so a new status must be placed on purpose."""

import pytest

from broadcast.models import (
    AIRED, AIRED_IN_FULL, LOG_FAULTS, NOT_AIRED, UNSTARTED, BroadcastStatus, LogStatus,
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
