"""The station's own audio assets: its signature jingles and its music bed (filler), generated until it records its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.ffmpeg import probe
from audio.jingles import generate_chime, generate_filler
from broadcast.config import Settings
from broadcast.content.rendering import loudness_target
from broadcast.models import Asset, Station

# Generated signature chimes (sine tones, nothing downloaded): kind, name shown to people, chime style.
JINGLES = (("jingle_open", "Nhạc hiệu mở đầu", "open"), ("jingle_close", "Nhạc hiệu kết thúc", "close"),
           ("separator", "Nhạc chuyển", "separator"))
ASSET_KINDS = ("jingle_open", "jingle_close", "separator", "filler")
FILLER_NAME = "Nhạc nền"
# One length whoever makes the bed first: planning cuts it to a gap at most a template's max_s long
# (a few minutes), playout loops it under dead air of any length.
FILLER_SECONDS = 180.0


def station_assets(session: Session, station: Station) -> list[Asset]:
    """Every asset row of the station, oldest first."""
    return list(session.scalars(select(Asset).where(Asset.station_id == station.id).order_by(Asset.id)))


def usable_assets(rows: list[Asset]) -> dict[str, Asset]:
    """The first asset of each kind whose file is still there: what programmes play."""
    found: dict[str, Asset] = {}
    for row in rows:
        if row.kind not in found and Path(row.path).is_file():
            found[row.kind] = row
    return found


def _first(session: Session, station: Station, kind: str) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == kind).order_by(Asset.id).limit(1))


def filler_asset(session: Session, station: Station) -> Asset | None:
    """The station's filler (music bed) asset, if it has one."""
    return _first(session, station, "filler")


def _ensure(session: Session, settings: Settings, station: Station, kind: str, name: str, style: str) -> tuple[Asset, bool]:
    """The station's asset of a kind, generated when it lacks it or lost its file; and whether a row was added."""
    asset = _first(session, station, kind)
    if asset is not None and Path(asset.path).is_file():
        return asset, False
    path = settings.audio_dir / "assets" / station.slug / f"{kind}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "filler":
        generate_filler(path, FILLER_SECONDS, loudness_target(station), tools=settings.tools)
    else:
        generate_chime(path, kind=style, target=loudness_target(station), tools=settings.tools)
    seconds = probe(path, tools=settings.tools).duration_s
    added = asset is None
    if asset is None:
        asset = Asset(station_id=station.id, kind=kind, name=name, path=str(path), duration_s=seconds)
        session.add(asset)
    else:
        asset.path, asset.duration_s = str(path), seconds
    session.flush()
    return asset, added


def ensure_filler(session: Session, settings: Settings, station: Station) -> Asset:
    """The station's filler asset, generated (a soft music bed of FILLER_SECONDS) the first time it is needed."""
    return _ensure(session, settings, station, "filler", FILLER_NAME, "filler")[0]


def ensure_jingles(session: Session, settings: Settings, station: Station) -> list[str]:
    """Generate whichever standard jingle or the filler the station lacks; returns the names of the rows added."""
    wanted = (*JINGLES, ("filler", FILLER_NAME, "filler"))
    return [name for kind, name, style in wanted if _ensure(session, settings, station, kind, name, style)[1]]
