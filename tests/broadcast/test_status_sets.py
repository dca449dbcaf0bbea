"""The shared status sets, one table per enum (every member listed, so a new status is placed on purpose), and is_unstarted."""

from datetime import datetime, timedelta, timezone

import pytest

from broadcast.models import (
    AIRED, AIRED_IN_FULL, LOG_FAULTS, NOT_AIRED, STATUS_LABELS, UNSTARTED, BroadcastStatus, ContentStatus, ItemType, LogStatus, is_unstarted,
    item_type_label, status_label,
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


@pytest.mark.parametrize("status, label", [
    (BroadcastStatus.PLANNED, "Đã lên lịch"), (BroadcastStatus.DONE, "Đã phát xong"), (BroadcastStatus.MISSED, "Bỏ lỡ"),
    (LogStatus.PLAYED, "Đã phát"), (LogStatus.LATE, "Phát muộn"), (ContentStatus.RETURNED, "Trả lại"), ("preview", "Xem trước"),
    ("planned", "Đã lên lịch"), ("unknown", "unknown"),
])
def test_status_label(status, label):
    assert status_label(status) == label


def test_every_status_and_item_type_has_one_label():
    for enum_type in (ContentStatus, BroadcastStatus, LogStatus):
        assert all(s.value in STATUS_LABELS for s in enum_type), enum_type
    assert [item_type_label(t) for t in ItemType] == ["Nhạc hiệu", "Bài", "Tiếp sóng", "Nhạc nền", "Khẩn cấp"]
