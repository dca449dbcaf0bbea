"""Writing a plan into broadcast rows: items with their audio, positions, offsets and the plan's fingerprint."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Sequence

from sqlalchemy.orm import Session

from broadcast.models import Broadcast, BroadcastItem, BroadcastStatus, ItemType, Script, Station
from broadcast.planning.loader import Loaded, started
from broadcast.planning.planner import PlannedItem


def item_row(station: Station, item: PlannedItem, position: int, loaded: Loaded) -> BroadcastItem:
    """A BroadcastItem row for a planned item, with the audio it will play."""
    row = BroadcastItem(
        station_id=station.id, position=position, item_type=ItemType(item.item_type), title=item.title, reason=item.reason,
        offset_s=round(item.offset_s, 6), duration_s=item.duration_s, campaign_id=item.campaign_id, relay_url=item.url,
    )
    if item.kind == "script" and item.ref is not None:
        audio = loaded.audio[item.ref]
        row.script_id, row.render_id, row.recording_id = item.ref, audio.render_id, audio.recording_id
        row.voice, row.audio_path = audio.voice, str(audio.path)
    elif item.kind in ("jingle_open", "jingle_close", "separator", "filler") and item.ref is not None:
        asset = loaded.assets[item.ref]
        row.asset_id, row.audio_path = asset.id, asset.path
    return row


def _signature(rows: Sequence[BroadcastItem]) -> list[tuple]:
    return [(r.item_type.value if isinstance(r.item_type, ItemType) else r.item_type, r.script_id, r.asset_id, r.render_id,
             r.recording_id, r.audio_path, round(r.duration_s, 3), r.relay_url, r.campaign_id, r.title, r.reason) for r in rows]


def write_items(session: Session, station: Station, broadcast: Broadcast, items: Sequence[PlannedItem], loaded: Loaded) -> None:
    """Replace a broadcast's items when the plan changed; an unchanged plan keeps its rows and its assembled audio."""
    rows = [item_row(station, item, n, loaded) for n, item in enumerate(items)]
    if broadcast.id is not None and _signature(rows) == _signature(broadcast.items):
        return
    new_hash = plan_hash(rows)
    broadcast.items.clear()
    session.flush()
    broadcast.items.extend(rows)
    if new_hash != broadcast.plan_hash:
        broadcast.plan_hash = new_hash
        broadcast.status, broadcast.audio_path, broadcast.segments, broadcast.audio_duration_s = BroadcastStatus.PLANNED, "", [], 0.0
    session.flush()


def plan_hash(items: Sequence[BroadcastItem]) -> str:
    """A fingerprint of what a programme sounds like, so unchanged plans are not re-assembled."""
    data = [(i.item_type.value, i.script_id, i.asset_id, i.audio_path, round(i.duration_s, 3), i.relay_url or "") for i in items]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def renumber(broadcast: Broadcast) -> None:
    """Positions and offsets follow the item order; the audio must be assembled again."""
    offset = 0.0
    for position, item in enumerate(broadcast.items):
        item.position, item.offset_s = position, offset
        offset += item.duration_s
    broadcast.plan_hash = plan_hash(broadcast.items)
    broadcast.status, broadcast.audio_path, broadcast.segments, broadcast.audio_duration_s = BroadcastStatus.PLANNED, "", [], 0.0


def prune_hand_edits(session: Session, loaded: Loaded, now: datetime) -> None:
    """Remove from hand-edited, unstarted broadcasts the scripts that are no longer approved (the plan keeps the rest)."""
    for broadcast in loaded.existing.values():
        if broadcast.manual and broadcast.status != BroadcastStatus.CANCELLED and not started(broadcast, now):
            drop_unapproved(session, broadcast, loaded.scripts)


def drop_unapproved(session: Session, broadcast: Broadcast, approved: dict[int, Script]) -> None:
    """Remove from a hand-edited, unstarted broadcast the scripts that are no longer approved."""
    gone = [i for i in broadcast.items if i.script_id and i.script_id not in approved and i.item_type == ItemType.SCRIPT]
    if not gone:
        return
    for item in gone:
        broadcast.items.remove(item)
    renumber(broadcast)
    session.flush()
