"""Which outputs a broadcast goes to (from the station's settings and zones), and air-check retention."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.sinks import AlsaSink, FileSink, IcecastSink, NullSink
from broadcast.config import Settings
from broadcast.models import Broadcast, LiveSession, Station, Zone
from broadcast.stations.lookup import station_tz, zone_mount


def aircheck_path(settings: Settings, station: Station, broadcast: Broadcast, from_s: float = 0.0) -> Path:
    """Dated air-check file of one airing of a broadcast (a resumed airing gets its own file)."""
    local = broadcast.planned_start.astimezone(station_tz(station))
    suffix = f"-from{int(from_s)}s" if from_s > 0 else ""
    return settings.aircheck_dir / station.slug / local.strftime("%Y-%m-%d") / f"{local:%H%M%S}-{broadcast.id}{suffix}.mp3"


def _zones(session: Session, station: Station, zone_ids: list[int]) -> list[Zone]:
    stmt = select(Zone).where(Zone.station_id == station.id).order_by(Zone.position)
    if zone_ids:
        stmt = stmt.where(Zone.id.in_(zone_ids))
    return list(session.scalars(stmt))


def sinks_for(session: Session, settings: Settings, station: Station, broadcast: Broadcast, from_s: float = 0.0) -> list:
    """Air-check file, one sound card per distinct zone device, one Icecast mount per zone; null when none is set up."""
    sinks: list = []
    if settings.aircheck:
        sinks.append(FileSink(aircheck_path(settings, station, broadcast, from_s)))
    return _zone_outputs(session, settings, station, broadcast.zone_ids or [], sinks, broadcast.title or "")


# What a receiver hears named on the stream during a live talk.
LIVE_STREAM_TITLE = "Phát trực tiếp"


def live_sinks(session: Session, settings: Settings, station: Station, live: LiveSession) -> list:
    """A live talk's outputs: its air-check, the recording kept as content (WAV beside the spool), and its zones' outputs."""
    sinks: list = []
    local = live.requested_at.astimezone(station_tz(station))
    if settings.aircheck:
        sinks.append(FileSink(settings.aircheck_dir / station.slug / local.strftime("%Y-%m-%d") / f"{local:%H%M%S}-live-{live.id}.mp3"))
    sinks.append(FileSink(Path(live.spool_dir).with_name(f"{local:%Y-%m-%d-%H%M%S}-live-{live.id}-raw.wav")))
    return _zone_outputs(session, settings, station, live.zone_ids or [], sinks, LIVE_STREAM_TITLE)


def is_file_sink(sink: object) -> bool:
    """Whether a sink records to a file (the jingle before a live talk skips them: the talk's files hold the talk)."""
    return isinstance(sink, FileSink)


def _zone_outputs(session: Session, settings: Settings, station: Station, zone_ids: list[int], sinks: list, title: str) -> list:
    """Append the sound cards and Icecast mounts of the zones (empty = all) to sinks, the mounts titled with what airs;
    null when nothing is set up."""
    zones = _zones(session, station, zone_ids)
    devices = list(dict.fromkeys(z.alsa_device for z in zones if z.alsa_device)) or ([settings.alsa_device] if settings.alsa_device else [])
    sinks += [AlsaSink(device) for device in devices]
    if settings.icecast_url:
        base = settings.icecast_url.rstrip("/")
        mounts = list(dict.fromkeys(zone_mount(station, z) for z in zones)) or [f"/{station.slug}"]
        sinks += [IcecastSink(f"{base}/{m.lstrip('/')}", name=station.name, description=title) for m in mounts]
    return sinks or [NullSink()]


def describe(sinks: list) -> str:
    """Short text naming the sinks for the log (no passwords)."""
    names = []
    for sink in sinks:
        if isinstance(sink, FileSink):
            names.append("aircheck")
        elif isinstance(sink, AlsaSink):
            names.append(f"soundcard:{sink.device}")
        elif isinstance(sink, IcecastSink):
            names.append("icecast:/" + sink.url.rsplit("/", 1)[-1])
        else:
            names.append("null")
    return ",".join(names)[:500]


def expired_aircheck_days(root: Path, today: date, keep_days: int) -> list[Path]:
    """Dated air-check folders (YYYY-MM-DD) older than keep_days before today."""
    if not root.is_dir():
        return []
    cutoff = today - timedelta(days=keep_days)
    expired = []
    for folder in root.iterdir():
        try:
            day = date.fromisoformat(folder.name)
        except ValueError:
            continue  # not ours: never delete what we did not write
        if folder.is_dir() and day < cutoff:
            expired.append(folder)
    return sorted(expired)


def purge_airchecks(root: Path, today: date, keep_days: int) -> list[Path]:
    """Delete air-check folders past retention; returns what was deleted."""
    expired = expired_aircheck_days(root, today, keep_days)
    for folder in expired:
        shutil.rmtree(folder, ignore_errors=True)
    return expired
