"""The enumerations stored in the tables (roles, priorities, statuses, kinds) and the status sets the rules share."""

from __future__ import annotations

import enum
from datetime import datetime


class Role(str, enum.Enum):
    """What a user may do at a station."""

    ADMIN = "admin"  # quản trị
    EDITOR = "editor"  # biên tập
    APPROVER = "approver"  # phê duyệt
    VIEWER = "viewer"  # xem


class Priority(str, enum.Enum):
    """The national three bulletin levels."""

    NORMAL = "normal"  # thông thường
    PRIORITY = "priority"  # ưu tiên
    EMERGENCY = "emergency"  # khẩn cấp


class ContentStatus(str, enum.Enum):
    """Approval state of scripts, recordings and campaigns."""

    DRAFT = "draft"
    APPROVED = "approved"
    RETURNED = "returned"
    ARCHIVED = "archived"


class BroadcastKind(str, enum.Enum):
    """Why a broadcast exists."""

    REGULAR = "regular"
    EXTRA = "extra"
    ONE_OFF = "oneoff"
    EMERGENCY = "emergency"
    TEST = "test"


class BroadcastStatus(str, enum.Enum):
    """Life of a broadcast from plan to air."""

    PLANNED = "planned"
    READY = "ready"
    PLAYING = "playing"
    DONE = "done"
    MISSED = "missed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ItemType(str, enum.Enum):
    """What one programme item is."""

    JINGLE = "jingle"
    SCRIPT = "script"
    RELAY = "relay"
    FILLER = "filler"
    EMERGENCY = "emergency"


class LogStatus(str, enum.Enum):
    """As-run status of one aired (or not aired) item."""

    PLAYED = "played"
    LATE = "late"
    INTERRUPTED = "interrupted"
    MISSED = "missed"
    FAILED = "failed"
    SKIPPED = "skipped"


# A broadcast that has not gone on air yet: playout may still claim it, an editor may still change it.
UNSTARTED = frozenset({BroadcastStatus.PLANNED, BroadcastStatus.READY})


def is_unstarted(status: BroadcastStatus, planned_start: datetime, now: datetime) -> bool:
    """Whether a broadcast may still change: not on air, not over, not cancelled, and its start still ahead."""
    return status in UNSTARTED and planned_start > now


# Log statuses whose seconds went out on air (an interrupted item counts the seconds it aired).
AIRED = frozenset({LogStatus.PLAYED, LogStatus.LATE, LogStatus.INTERRUPTED})
# Log statuses of an item that aired to its end.
AIRED_IN_FULL = frozenset({LogStatus.PLAYED, LogStatus.LATE})
# Broadcasts that ended without going on air at all.
NOT_AIRED = frozenset({BroadcastStatus.MISSED, BroadcastStatus.FAILED})
# Log statuses of an item kept off the air by a fault (a skipped item was left out on purpose).
LOG_FAULTS = frozenset({LogStatus.MISSED, LogStatus.FAILED})


# What people read for each status (of content, broadcasts and log rows; "preview": a programme shown, not saved) and item type:
# one table for the panel and the command line.
STATUS_LABELS = {
    "played": "Đã phát", "late": "Phát muộn", "interrupted": "Bị ngắt", "missed": "Bỏ lỡ", "failed": "Lỗi", "skipped": "Bỏ qua",
    "planned": "Đã lên lịch", "ready": "Sẵn sàng", "playing": "Đang phát", "done": "Đã phát xong", "cancelled": "Đã hủy",
    "draft": "Bản nháp", "approved": "Đã duyệt", "returned": "Trả lại", "archived": "Lưu trữ", "preview": "Xem trước",
}
ITEM_TYPE_LABELS = {"jingle": "Nhạc hiệu", "script": "Bài", "relay": "Tiếp sóng", "filler": "Nhạc nền", "emergency": "Khẩn cấp", "live": "Trực tiếp"}


def status_label(status: enum.Enum | str) -> str:
    """The Vietnamese name of a status (an unknown one as it is)."""
    value = status.value if isinstance(status, enum.Enum) else status
    return STATUS_LABELS.get(value, value)


def item_type_label(kind: enum.Enum | str) -> str:
    """The Vietnamese name of a programme item's type (an unknown one as it is)."""
    value = kind.value if isinstance(kind, enum.Enum) else kind
    return ITEM_TYPE_LABELS.get(value, value)
