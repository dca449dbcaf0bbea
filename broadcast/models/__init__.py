"""SQLAlchemy 2.0 models of the station, split by area; every station-owned row carries station_id.

Re-exported here so that `from broadcast.models import X` names any table, enum or status set.
"""

from broadcast.models.asrun import AsRunEntry
from broadcast.models.audit import AuditEntry
from broadcast.models.base import NAMING, Base, UTCDateTime, _enum, utcnow
from broadcast.models.bulletins import Bulletin, BulletinTarget
from broadcast.models.campaigns import Campaign, CampaignScript, ReportNote
from broadcast.models.content import Asset, LexiconEntry, Recording, Render, Script, ScriptVersion
from broadcast.models.edge import EdgeAudio, EdgeToken
from broadcast.models.live import LiveSession
from broadcast.models.enums import (
    AIRED, AIRED_IN_FULL, ITEM_TYPE_LABELS, LOG_FAULTS, NOT_AIRED, STATUS_LABELS, UNSTARTED, is_unstarted, item_type_label, status_label,
    BroadcastKind, BroadcastStatus, ContentStatus, ItemType, LogStatus, Priority, Role,
)
from broadcast.models.receivers import EdgeStatus, Receiver, ReceiverOutage, ReceiverReport
from broadcast.models.schedule import Broadcast, BroadcastItem, ProgrammeTemplate, Slot
from broadcast.models.stations import ApiToken, Membership, PlayerHeartbeat, Station, User, Zone

__all__ = [
    "AIRED",
    "ApiToken",
    "AIRED_IN_FULL",
    "AsRunEntry",
    "Asset",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastItem",
    "BroadcastKind",
    "BroadcastStatus",
    "Bulletin",
    "BulletinTarget",
    "Campaign",
    "CampaignScript",
    "ContentStatus",
    "EdgeAudio",
    "EdgeStatus",
    "EdgeToken",
    "ITEM_TYPE_LABELS",
    "ItemType",
    "LOG_FAULTS",
    "LexiconEntry",
    "LiveSession",
    "LogStatus",
    "Membership",
    "NAMING",
    "NOT_AIRED",
    "PlayerHeartbeat",
    "Priority",
    "ProgrammeTemplate",
    "Receiver",
    "ReceiverOutage",
    "ReceiverReport",
    "Recording",
    "Render",
    "ReportNote",
    "Role",
    "Script",
    "STATUS_LABELS",
    "ScriptVersion",
    "Slot",
    "Station",
    "UTCDateTime",
    "UNSTARTED",
    "User",
    "Zone",
    "_enum",
    "is_unstarted",
    "item_type_label",
    "status_label",
    "utcnow",
]
