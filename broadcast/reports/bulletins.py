"""The delivery report of a central bulletin: one row per commune, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Sequence

from broadcast.models.bulletins import Bulletin
from broadcast.province.bulletins import PRIORITY_LABELS, CommuneStatus
from broadcast.timeutil import VN_TZ, iso_local

FIELDS = ["station", "station_name", "zones", "placement", "broadcast_id", "planned_at", "aired_at", "seconds", "state", "state_label", "note"]


def status_rows(statuses: Sequence[CommuneStatus]) -> list[dict[str, Any]]:
    """The per-commune rows with local ISO times, in a fixed field order."""
    return [{
        "station": s.station, "station_name": s.station_name, "zones": s.zones, "placement": s.placement, "broadcast_id": s.broadcast_id,
        "planned_at": iso_local(s.planned_at, VN_TZ), "aired_at": iso_local(s.aired_at, VN_TZ), "seconds": s.seconds,
        "state": s.state, "state_label": s.label, "note": s.note,
    } for s in statuses]


def to_dict(bulletin: Bulletin, statuses: Sequence[CommuneStatus]) -> dict[str, Any]:
    """The bulletin and its per-commune delivery, for JSON."""
    return {
        "id": bulletin.id, "title": bulletin.title, "priority": bulletin.priority.value, "priority_label": PRIORITY_LABELS[bulletin.priority],
        "created_at": iso_local(bulletin.created_at, VN_TZ), "air_from": iso_local(bulletin.air_from, VN_TZ),
        "aired": sum(1 for s in statuses if s.state == "aired"), "communes": len(statuses), "targets": status_rows(statuses),
    }


def render_json(bulletin: Bulletin, statuses: Sequence[CommuneStatus]) -> str:
    """The JSON contract of a bulletin's delivery report."""
    return json.dumps(to_dict(bulletin, statuses), ensure_ascii=False, indent=1) + "\n"


def render_csv(statuses: Sequence[CommuneStatus]) -> str:
    """One row per commune as CSV (the caller adds a BOM for Excel when writing a file)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(status_rows(statuses))
    return buffer.getvalue()
