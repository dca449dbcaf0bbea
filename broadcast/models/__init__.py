"""SQLAlchemy 2.0 models of the station, split by area; every station-owned row carries station_id.

Re-exported here so that `from broadcast.models import X` names any table or enum.
"""

from broadcast.models.asrun import AsRunEntry
from broadcast.models.base import NAMING, Base, UTCDateTime, _enum, utcnow
from broadcast.models.bulletins import Bulletin, BulletinTarget
from broadcast.models.campaigns import Campaign, CampaignScript, ReportNote
from broadcast.models.content import Asset, LexiconEntry, Recording, Render, Script, ScriptVersion
from broadcast.models.edge import EdgeAudio, EdgeToken
from broadcast.models.enums import BroadcastKind, BroadcastStatus, ContentStatus, ItemType, LogStatus, Priority, Role
from broadcast.models.schedule import Broadcast, BroadcastItem, ProgrammeTemplate, Slot
from broadcast.models.stations import Membership, PlayerHeartbeat, Station, User, Zone

__all__ = [
    "AsRunEntry",
    "Asset",
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
    "EdgeToken",
    "ItemType",
    "LexiconEntry",
    "LogStatus",
    "Membership",
    "NAMING",
    "PlayerHeartbeat",
    "Priority",
    "ProgrammeTemplate",
    "Recording",
    "Render",
    "ReportNote",
    "Role",
    "Script",
    "ScriptVersion",
    "Slot",
    "Station",
    "UTCDateTime",
    "User",
    "Zone",
    "_enum",
    "utcnow",
]
