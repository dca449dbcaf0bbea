"""Which outputs a broadcast goes to, from the station's settings."""

from __future__ import annotations

from pathlib import Path

from audio.sinks import AlsaSink, FileSink, IcecastSink, NullSink
from broadcast.config import Settings
from broadcast.models import Broadcast, Station
from broadcast.stations import station_tz


def aircheck_path(settings: Settings, station: Station, broadcast: Broadcast) -> Path:
    """Dated air-check file of one broadcast."""
    local = broadcast.planned_start.astimezone(station_tz(station))
    return settings.aircheck_dir / station.slug / local.strftime("%Y-%m-%d") / f"{local:%H%M%S}-{broadcast.id}.mp3"


def sinks_for(settings: Settings, station: Station, broadcast: Broadcast) -> list:
    """The sinks of a broadcast: air-check, sound card and stream where configured, else null."""
    sinks: list = []
    if settings.aircheck:
        sinks.append(FileSink(aircheck_path(settings, station, broadcast)))
    if settings.alsa_device:
        sinks.append(AlsaSink(settings.alsa_device))
    if settings.icecast_url:
        sinks.append(IcecastSink(f"{settings.icecast_url.rstrip('/')}/{station.slug}"))
    return sinks or [NullSink()]


def describe(sinks: list) -> str:
    """Short text naming the sinks, for the log."""
    names = {"FileSink": "aircheck", "AlsaSink": "soundcard", "IcecastSink": "icecast", "NullSink": "null"}
    return ",".join(names.get(type(sink).__name__, type(sink).__name__) for sink in sinks)
