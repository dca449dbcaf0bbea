"""Receivers' status per zone (the home tiles and the receivers page), outage history, and zones reached by a log row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from broadcast.models import Broadcast, BroadcastStatus, Receiver, ReceiverOutage, ReceiverReport, Station, Zone
from broadcast.receivers.rules import LastReport, Verdict, is_alert, is_fresh, outage_change, reached, verdict, zone_colour
from broadcast.stations.lookup import zone_mount

# Reports older than this are deleted by the sweep; outages are kept.
REPORT_KEEP_DAYS = 7


@dataclass(frozen=True)
class ReceiverState:
    """One receiver now: its verdict, last report and open outage."""

    receiver: Receiver
    verdict: Verdict
    last: ReceiverReport | None
    outage: ReceiverOutage | None


@dataclass
class ZoneState:
    """One zone's tile: colour, receivers, Icecast's listener count, when it was last heard and since when it is offline."""

    zone: Zone
    mount: str
    on_air: bool
    listeners: int | None  # receivers Icecast sees on the mount; None when Icecast could not be asked
    receivers: list[ReceiverState] = field(default_factory=list)

    @property
    def colour(self) -> str:
        """The zone's colour (none when it has no receiver)."""
        return zone_colour(r.verdict.colour for r in self.receivers)

    @property
    def last_heard(self) -> datetime | None:
        """The latest report of any of its receivers."""
        return max((r.last.received_at for r in self.receivers if r.last), default=None)

    @property
    def offline_since(self) -> datetime | None:
        """When the zone lost its last receiver (the latest start of its open offline outages), while it is red."""
        if self.colour != "red":
            return None
        return max((r.outage.started_at for r in self.receivers if r.outage and r.outage.kind == "offline"), default=None)


def on_air_zone_ids(session: Session, station: Station) -> set[int]:
    """Zones a broadcast is playing on now (a broadcast without zones plays on all of them)."""
    every = {z.id for z in station.zones}
    zones: set[int] = set()
    for zone_ids in session.scalars(select(Broadcast.zone_ids).where(Broadcast.station_id == station.id, Broadcast.status == BroadcastStatus.PLAYING)):
        zones |= set(zone_ids or every) & every
    return zones


def last_reports(session: Session, receiver_ids: Sequence[int], at: datetime | None = None) -> dict[int, ReceiverReport]:
    """Each receiver's last report (received at or before `at` when given)."""
    if not receiver_ids:
        return {}
    newest = select(ReceiverReport.receiver_id, func.max(ReceiverReport.id).label("id")).where(ReceiverReport.receiver_id.in_(receiver_ids))
    if at is not None:
        newest = newest.where(ReceiverReport.received_at <= at)
    sub = newest.group_by(ReceiverReport.receiver_id).subquery()
    rows = session.scalars(select(ReceiverReport).join(sub, ReceiverReport.id == sub.c.id))
    return {r.receiver_id: r for r in rows}


def as_last(report: ReceiverReport | None) -> LastReport | None:
    """A stored report as the rules' value."""
    if report is None:
        return None
    return LastReport(report.received_at, report.interval_s, report.connected, report.playing, report.playing_for_s)


def _open_outages(session: Session, receiver_ids: Sequence[int]) -> dict[int, ReceiverOutage]:
    if not receiver_ids:
        return {}
    rows = session.scalars(select(ReceiverOutage).where(ReceiverOutage.receiver_id.in_(receiver_ids), ReceiverOutage.ended_at.is_(None)))
    return {r.receiver_id: r for r in rows}


def zone_board(session: Session, station: Station, now: datetime, listeners: Mapping[str, int] | None) -> list[ZoneState]:
    """Every zone of a station with its receivers' verdicts; `listeners` is receivers per mount from Icecast (None: unknown)."""
    receivers = session.scalars(select(Receiver).where(Receiver.station_id == station.id, Receiver.is_active.is_(True)).order_by(Receiver.id)).all()
    ids = [r.id for r in receivers]
    last, outages = last_reports(session, ids), _open_outages(session, ids)
    live = on_air_zone_ids(session, station)
    by_zone: dict[int, list[Receiver]] = defaultdict(list)
    for receiver in receivers:
        by_zone[receiver.zone_id].append(receiver)
    board = []
    for zone in station.zones:
        mount = zone_mount(station, zone)
        count = listeners.get(mount, 0) if listeners is not None else None
        state = ZoneState(zone, mount, zone.id in live, count)
        for receiver in by_zone.get(zone.id, []):
            judged = verdict(as_last(last.get(receiver.id)), now, bool(count) if count is not None else None, state.on_air)
            state.receivers.append(ReceiverState(receiver, judged, last.get(receiver.id), outages.get(receiver.id)))
        board.append(state)
    return board


@dataclass(frozen=True)
class AlertEvent:
    """An alert raised or cleared by a sweep (what the webhook is sent)."""

    station: str
    zone: str
    zone_name: str
    receiver: str
    kind: str  # offline | silent
    raised: bool  # False: cleared (the receiver is back)
    at: datetime
    reason: str

    def body(self) -> dict[str, str | bool]:
        """The webhook's JSON body."""
        return {"event": "receiver_alert" if self.raised else "receiver_alert_cleared", "station": self.station, "zone": self.zone,
                "zone_name": self.zone_name, "receiver": self.receiver, "kind": self.kind, "at": self.at.isoformat(), "reason": self.reason}


def sweep(session: Session, station: Station, now: datetime, listeners: Mapping[str, int] | None) -> list[AlertEvent]:
    """Open and close outages to match the receivers' verdicts now, raise and clear alerts, drop old reports; returns the alerts."""
    events = []
    for state in zone_board(session, station, now, listeners):
        for item in state.receivers:
            outage = item.outage
            change = outage_change(outage.kind if outage else None, item.verdict.outage)
            if change.close and outage is not None:
                outage.ended_at = now
                if outage.alerted_at is not None:
                    events.append(AlertEvent(station.slug, state.zone.code, state.zone.name, item.receiver.name, outage.kind, False, now, ""))
                outage = None
            if change.open_kind:
                # An offline outage began when the receiver was last heard, not when the sweep noticed.
                started = item.last.received_at if change.open_kind == "offline" and item.last else now
                outage = ReceiverOutage(receiver_id=item.receiver.id, kind=change.open_kind, started_at=started, reason=item.verdict.why)
                session.add(outage)
            if outage is not None and outage.alerted_at is None and is_alert(outage.kind, state.on_air):
                outage.alerted_at = now
                events.append(AlertEvent(station.slug, state.zone.code, state.zone.name, item.receiver.name, outage.kind, True, now, outage.reason))
    ids = select(Receiver.id).where(Receiver.station_id == station.id)
    session.execute(delete(ReceiverReport).where(ReceiverReport.receiver_id.in_(ids), ReceiverReport.received_at < now - timedelta(days=REPORT_KEEP_DAYS)))
    session.flush()
    return events


def open_alerts(session: Session, station: Station) -> list[tuple[ReceiverOutage, Receiver, Zone]]:
    """Alerts still open (the home page shows them until the receiver is back)."""
    return list(session.execute(
        select(ReceiverOutage, Receiver, Zone).join(Receiver, ReceiverOutage.receiver_id == Receiver.id).join(Zone, Receiver.zone_id == Zone.id)
        .where(Receiver.station_id == station.id, ReceiverOutage.ended_at.is_(None), ReceiverOutage.alerted_at.is_not(None))
        .order_by(Zone.position)
    ).all())


def has_receivers(session: Session, station_id: int) -> bool:
    """Whether a station has any active receiver (the playout process sweeps only then)."""
    return session.scalar(select(Receiver.id).where(Receiver.station_id == station_id, Receiver.is_active.is_(True)).limit(1)) is not None


def offline_counts(session: Session, station_ids: Sequence[int], now: datetime) -> dict[int, tuple[int, int]]:
    """(receivers, receivers offline) per station that has any, in one query whatever the number of stations."""
    newest = select(ReceiverReport.receiver_id, func.max(ReceiverReport.id).label("id")).group_by(ReceiverReport.receiver_id).subquery()
    rows = session.execute(
        select(Receiver.station_id, ReceiverReport.received_at, ReceiverReport.interval_s)
        .outerjoin(newest, newest.c.receiver_id == Receiver.id).outerjoin(ReceiverReport, ReceiverReport.id == newest.c.id)
        .where(Receiver.station_id.in_(list(station_ids)), Receiver.is_active.is_(True))
    )
    counts: dict[int, tuple[int, int]] = {}
    for sid, at, interval_s in rows:
        last = LastReport(at, interval_s, True, False) if at is not None else None
        total, offline = counts.get(sid, (0, 0))
        counts[sid] = (total + 1, offline + (not is_fresh(last, now)))
    return counts


def unready_zones(board: Sequence[ZoneState], zone_ids: Sequence[int]) -> list[ZoneState]:
    """Zones a broadcast targets (every zone when zone_ids is empty) that have receivers but none online: it would reach no one there."""
    wanted = set(zone_ids)
    return [z for z in board if (not wanted or z.zone.id in wanted) and z.colour == "red"]


def outage_history(session: Session, station: Station, limit: int = 200) -> list[tuple[ReceiverOutage, Receiver, Zone]]:
    """A station's outages, newest first."""
    return list(session.execute(
        select(ReceiverOutage, Receiver, Zone).join(Receiver, ReceiverOutage.receiver_id == Receiver.id).join(Zone, Receiver.zone_id == Zone.id)
        .where(Receiver.station_id == station.id).order_by(ReceiverOutage.started_at.desc(), ReceiverOutage.id.desc()).limit(limit)
    ).all())


def zones_reached(session: Session, station_id: int, zone_ids: Sequence[int], start: datetime | None, end: datetime | None) -> str | None:
    """Codes of the zones (all when zone_ids is empty) with a receiver that played the whole of [start, end]; None without receivers."""
    receivers = session.scalars(select(Receiver).where(Receiver.station_id == station_id, Receiver.is_active.is_(True))).all()
    if not receivers:
        return None
    if start is None or end is None:
        return ""
    zones = session.scalars(select(Zone).where(Zone.station_id == station_id).order_by(Zone.position)).all()
    wanted = set(zone_ids) or {z.id for z in zones}
    last = last_reports(session, [r.id for r in receivers], end)
    heard = {r.zone_id for r in receivers if reached(as_last(last.get(r.id)), start, end)}
    return ",".join(z.code for z in zones if z.id in wanted and z.id in heard)


def snapshot(session: Session, station: Station, now: datetime) -> list[dict[str, str | None]]:
    """Each receiver's status as a commune player uploads it to the province (from reports alone: Icecast is local)."""
    out: list[dict[str, str | None]] = []
    for state in zone_board(session, station, now, None):
        for item in state.receivers:
            out.append({"zone": state.zone.code, "name": item.receiver.name, "colour": item.verdict.colour, "why": item.verdict.why,
                        "last_heard": item.last.received_at.isoformat() if item.last else None})
    return out
