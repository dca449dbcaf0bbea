"""Province volumes: plans and as-run logs of many communes over a year (rows, database size, report time).

python bench/province_bench.py [--communes 500] [--days 365] [--quick]
Data are synthetic but real rows: stations, zones, a campaign with its pool, two broadcasts a day with
six items each, and one chained log row per item (hashes computed with broadcast.asrun.chain.row_digest),
bulk-inserted with SQLAlchemy Core; no audio is rendered. Only the queries after the load are timed.
Baselines in the same run: the `loaxa log` export of the same period (query rows, build export dicts),
for one commune and for every commune. LOAXA_BENCH_DATABASE_URL points it at PostgreSQL (an empty DB).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from broadcast.asrun import chain as asrun  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import (  # noqa: E402
    Asset, AsRunEntry, Broadcast, BroadcastItem, Campaign, CampaignScript, LogStatus, Script, Station, Zone,
)
from broadcast.reports import build_report  # noqa: E402
from broadcast.timeutil import UTC, VN_TZ, local_at  # noqa: E402

ZONES = 8
SCRIPTS = 14
ITEMS_PER_BROADCAST = 6  # jingle, four scripts, jingle
SLOTS = (dtime(5, 30), dtime(17, 0))
LAST_DAY = date(2024, 12, 15)
CAMPAIGN = (date(2024, 11, 15), date(2024, 12, 15))
FULL = (500, 365)


def _station_rows(sid: int, days: int, ids: dict[str, int], created: datetime) -> dict[str, list[dict]]:
    """Every row of one commune: its zones, campaign, scripts, assets, broadcasts, items and chained log."""
    out: dict[str, list[dict]] = {k: [] for k in ("zones", "campaigns", "scripts", "pool", "assets", "broadcasts", "items", "log")}
    slug = f"xa-{sid:04d}"
    for n in range(1, ZONES + 1):
        out["zones"].append(dict(station_id=sid, code=f"thon-{n}", name=f"Thôn {n}", position=n, stream_mount=f"/{slug}-thon-{n}", alsa_device=""))
    cid = ids["campaign"] = ids["campaign"] + 1
    out["campaigns"].append(dict(
        id=cid, station_id=sid, slug="bdg-2024", name="Tháng hành động vì bình đẳng giới năm 2024", theme="", start_date=CAMPAIGN[0],
        end_date=CAMPAIGN[1], target_kind="minutes_per_day", target_value=10.0, extend_slot_s=0, min_separation_h=0.0,
        priority="normal", status="approved", created_at=created,
    ))
    scripts = []
    for n in range(SCRIPTS):
        ids["script"] += 1
        scripts.append(ids["script"])
        out["scripts"].append(dict(
            id=ids["script"], station_id=sid, title=f"Bài tuyên truyền số {n + 1}", body="…", category="", priority="normal", status="approved",
            version=1, notes="", source="", review_comment="", created_at=created, updated_at=created,
        ))
        out["pool"].append(dict(station_id=sid, campaign_id=cid, script_id=ids["script"], weight=1.0))
    jingles = []
    for kind in ("jingle_open", "jingle_close"):
        ids["asset"] += 1
        jingles.append(ids["asset"])
        out["assets"].append(dict(id=ids["asset"], station_id=sid, kind=kind, name=kind, path=f"/srv/loaxa/{slug}/{kind}.wav", duration_s=8.0, lufs=-16.0))
    prev, seq, k = asrun.GENESIS, 0, 0
    first = LAST_DAY - timedelta(days=days - 1)
    for d in range(days):
        day = first + timedelta(days=d)
        in_campaign = CAMPAIGN[0] <= day <= CAMPAIGN[1]
        for slot in SLOTS:
            start = local_at(day, slot, VN_TZ)
            bid = ids["broadcast"] = ids["broadcast"] + 1
            out["broadcasts"].append(dict(
                id=bid, station_id=sid, slot_id=None, kind="regular", title="Chương trình phát thanh", priority="normal", slot_start=start,
                slot_end=start + timedelta(minutes=30), planned_start=start, zone_ids=[], status="done", audio_path=f"/srv/loaxa/b/{bid}.wav",
                audio_duration_s=616.0, segments=[{"kind": "file", "path": f"/srv/loaxa/b/{bid}.wav", "offset_s": 0.0, "duration_s": 616.0}],
                plan_hash="0" * 64, started_at=start, ended_at=start + timedelta(seconds=616), seconds_aired=616.0, note="", created_at=created,
            ))
            offset = 0.0
            for position in range(ITEMS_PER_BROADCAST):
                is_script = 0 < position < ITEMS_PER_BROADCAST - 1
                seconds = 150.0 if is_script else 8.0
                script_id = scripts[k % SCRIPTS] if is_script else None
                asset_id = None if is_script else jingles[0 if position == 0 else 1]
                k += is_script
                iid = ids["item"] = ids["item"] + 1
                title = f"Bài tuyên truyền số {(k - 1) % SCRIPTS + 1}" if is_script else "Nhạc hiệu"
                out["items"].append(dict(
                    id=iid, station_id=sid, broadcast_id=bid, position=position, item_type="script" if is_script else "jingle", script_id=script_id,
                    asset_id=asset_id, campaign_id=cid if is_script and in_campaign else None, title=title, voice="espeak:vi" if is_script else "",
                    audio_path=f"/srv/loaxa/a/{iid}.wav", relay_url="", offset_s=offset, duration_s=seconds, reason="",
                ))
                seq += 1
                at = start + timedelta(seconds=offset)
                row = dict(
                    station_id=sid, seq=seq, broadcast_id=bid, broadcast_item_id=iid, zones="all", slot_start=start, slot_end=start + timedelta(minutes=30),
                    planned_start=at, actual_start=at, actual_end=at + timedelta(seconds=seconds), item_type="script" if is_script else "jingle",
                    item_ref=f"script:{script_id}" if is_script else f"asset:{asset_id}", title=title,
                    campaign="bdg-2024" if is_script and in_campaign else "", voice="espeak:vi" if is_script else "", status="played",
                    seconds=seconds, sinks="aircheck,soundcard", reason="", start_offset_ms=None, zones_reached=None,
                )
                digest = asrun.row_digest(SimpleNamespace(**{**row, "status": LogStatus.PLAYED}), prev)
                row.update(prev_hash=prev, row_hash=digest, created_at=at + timedelta(seconds=seconds))
                prev = digest
                out["log"].append(row)
                offset += seconds
    return out


TABLES = (("zones", Zone), ("campaigns", Campaign), ("scripts", Script), ("pool", CampaignScript), ("assets", Asset),
          ("broadcasts", Broadcast), ("items", BroadcastItem), ("log", AsRunEntry))


def _load(engine, communes: int, days: int) -> None:  # type: ignore[no-untyped-def]
    """Bulk-insert every commune's rows with Core executemany, one transaction per commune."""
    ids = {"campaign": 0, "script": 0, "asset": 0, "broadcast": 0, "item": 0}
    created = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(Station), [dict(id=s, slug=f"xa-{s:04d}", name=f"Đài truyền thanh xã số {s}", timezone="Asia/Ho_Chi_Minh",
                                            voice_chain=[{"engine": "espeak", "voice": "vi"}], loudness_lufs=-16.0, true_peak_db=-1.5,
                                            emergency_resume=True, created_at=created) for s in range(1, communes + 1)])
    for sid in range(1, communes + 1):
        rows = _station_rows(sid, days, ids, created)
        with engine.begin() as conn:
            for key, model in TABLES:
                if rows[key]:
                    conn.execute(insert(model), rows[key])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("stations", "campaigns", "scripts", "assets", "broadcasts", "broadcast_items"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _db_bytes(engine, settings) -> int:  # type: ignore[no-untyped-def]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return (settings.data_dir / "loaxa.db").stat().st_size


def _timed(fn):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def measure(communes: int = 5, days: int = 30) -> dict[str, float]:
    """Named figures for `communes` communes × `days` days, each with its baseline (and labelled extrapolations)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("LOAXA_BENCH_DATABASE_URL", "")
        settings = load_settings(env={}, data_dir=str(Path(tmp) / "var"), database_url=url or None)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        generate_s, _ = _timed(lambda: _load(engine, communes, days))
        factory = make_session_factory(engine)
        figures: dict[str, float] = {"communes": communes, "days": days, "generate_s": generate_s}
        with transaction(factory) as session:
            for name, model in (("stations", Station), ("broadcasts", Broadcast), ("items", BroadcastItem), ("log_rows", AsRunEntry)):
                figures[f"{name}_rows"] = session.scalar(select(func.count()).select_from(model))
        figures["db_mb"] = _db_bytes(engine, settings) / 1e6
        start, end = local_at(CAMPAIGN[0], dtime(0), VN_TZ), local_at(CAMPAIGN[1] + timedelta(days=1), dtime(0), VN_TZ)
        sid = (communes + 1) // 2  # a commune in the middle of the table
        with transaction(factory) as session:
            station = session.get(Station, sid)
            figures["commune_log_export_s"], rows = _timed(lambda: [asrun.export_row(r, station, VN_TZ) for r in asrun.query_rows(session, sid, start, end)])
            figures["commune_log_export_rows"] = len(rows)
            figures["commune_report_s"], report = _timed(lambda: build_report(session, station, "bdg-2024", now=datetime(2024, 12, 16, tzinfo=VN_TZ)))
            figures["commune_verify_log_s"], verified = _timed(lambda: asrun.verify(session, sid))
            assert verified.ok, verified.reason
        with transaction(factory) as session:
            stations = {s.id: s for s in session.scalars(select(Station))}

            def export_all() -> int:
                return sum(len([asrun.export_row(r, stations[s], VN_TZ) for r in asrun.query_rows(session, s, start, end)]) for s in stations)

            figures["province_log_export_s"], figures["province_log_export_rows"] = _timed(export_all)

            def summary() -> list:
                return session.execute(
                    select(AsRunEntry.station_id, func.count(), func.sum(AsRunEntry.seconds))
                    .where(AsRunEntry.planned_start >= start, AsRunEntry.planned_start < end, AsRunEntry.campaign == "bdg-2024",
                           AsRunEntry.status.in_(("played", "late")))
                    .group_by(AsRunEntry.station_id)
                ).all()

            figures["province_summary_s"], per_commune = _timed(summary)
            assert len(per_commune) == communes
        engine.dispose()
    scale = (FULL[0] * FULL[1]) / (communes * days)
    if scale != 1:
        for key in ("broadcasts_rows", "items_rows", "log_rows_rows", "db_mb"):
            figures[f"extrapolated_500x365_{key}"] = figures[key] * scale  # linear in commune-days: labelled as such
    return {k: round(float(v), 4) for k, v in figures.items()}


def run(quick: bool) -> dict[str, float]:
    """Entry point for bench/run.py: 5 communes × 30 days when quick, else the full 500 × 365."""
    return measure(5, 30) if quick else measure(*FULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--communes", type=int, default=FULL[0])
    parser.add_argument("--days", type=int, default=FULL[1])
    parser.add_argument("--quick", action="store_true", help="5 communes × 30 days")
    args = parser.parse_args()
    print(json.dumps(measure(5, 30) if args.quick else measure(args.communes, args.days), indent=1))


if __name__ == "__main__":
    main()
