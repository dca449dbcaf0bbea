"""Report benchmarks: building a campaign report from the as-run log, and writing each format."""
# Run: python -m bench.report_bench [--days 31] [--days 365]
# Baseline (same run, same database): `baseline_export_s` is what `loaxa log` does for the same
# period (query the rows and turn them into export dicts); the report adds the chain check
# (`verify_s`, which walks the whole station log), the tables and the file writers.

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from broadcast.asrun import chain as asrun  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import AsRunEntry, Campaign, CampaignScript, ContentStatus, LogStatus, Script, Station, Zone  # noqa: E402
from broadcast.reports import build_report, render  # noqa: E402
from broadcast.timeutil import VN_TZ, local_at  # noqa: E402

ITEMS_PER_BROADCAST = 6  # jingle, four campaign scripts, jingle


def _fill(session, days: int) -> Station:  # type: ignore[no-untyped-def]
    """A station whose log holds `days` days of two broadcasts each (written through the chain)."""
    station = Station(slug="cam-tan", name="Đài truyền thanh xã Cẩm Tân")
    session.add(station)
    session.flush()
    for n in range(1, 9):
        session.add(Zone(station_id=station.id, code=f"thon-{n}", name=f"Thôn {n}", position=n))
    first = date(2024, 11, 15)
    campaign = Campaign(station_id=station.id, slug="bdg-2024", name="Tháng hành động vì bình đẳng giới năm 2024", start_date=first,
                        end_date=first + timedelta(days=days - 1), target_kind="minutes_per_day", target_value=10, status=ContentStatus.APPROVED)
    session.add(campaign)
    session.flush()
    scripts = []
    for n in range(14):
        script = Script(station_id=station.id, title=f"Bài tuyên truyền số {n + 1}", body="…", status=ContentStatus.APPROVED)
        session.add(script)
        session.flush()
        campaign.pool.append(CampaignScript(station_id=station.id, script_id=script.id))
        scripts.append(script)
    k = 0
    for d in range(days):
        for slot in (dtime(5, 30), dtime(17, 0)):
            start = local_at(first + timedelta(days=d), slot, VN_TZ)
            offset = 0.0
            for i in range(ITEMS_PER_BROADCAST):
                is_script = 0 < i < ITEMS_PER_BROADCAST - 1
                seconds = 150.0 if is_script else 8.0
                ref = f"script:{scripts[k % 14].id}" if is_script else "asset:1"
                k += is_script
                at = start + timedelta(seconds=offset)
                asrun.append(session, AsRunEntry(
                    station_id=station.id, zones="all", slot_start=start, slot_end=start + timedelta(minutes=35), planned_start=at,
                    actual_start=at, actual_end=at + timedelta(seconds=seconds), item_type="script" if is_script else "jingle",
                    item_ref=ref, title="Bài" if is_script else "Nhạc hiệu", campaign="bdg-2024" if is_script else "",
                    voice="espeak:vi", status=LogStatus.PLAYED, seconds=seconds, sinks="aircheck",
                ))
                offset += seconds
    session.flush()
    return station


def measure(days: int) -> dict[str, float]:
    """Named figures for a log of `days` campaign days, each with its baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={}, data_dir=str(Path(tmp) / "var"))
        engine = make_engine(settings.db_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            station = _fill(session, days)
        figures: dict[str, float] = {"days": days, "log_rows": days * 2 * ITEMS_PER_BROADCAST}
        with transaction(factory) as session:
            station = session.query(Station).one()
            t = time.perf_counter()
            rows = asrun.query_rows(session, station.id)
            [asrun.export_row(r, station, VN_TZ) for r in rows]
            figures["baseline_export_s"] = time.perf_counter() - t
            t = time.perf_counter()
            asrun.verify(session, station.id)
            figures["verify_s"] = time.perf_counter() - t
            t = time.perf_counter()
            report = build_report(session, station, "bdg-2024", now=datetime.now(VN_TZ))
            figures["build_report_s"] = time.perf_counter() - t
        for fmt in ("json", "csv", "xlsx", "docx"):
            t = time.perf_counter()
            data = render(report, fmt)
            figures[f"render_{fmt}_s"] = time.perf_counter() - t
            figures[f"{fmt}_kb"] = len(data) / 1024
        engine.dispose()
    return {k: round(v, 4) for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, action="append", help="campaign days to log (repeatable; default 31 and 365)")
    args = parser.parse_args()
    measure(2)  # warm-up: imports (matplotlib, openpyxl, python-docx) and font lookup are not the figures
    print(json.dumps({str(d): measure(d) for d in args.days or [31, 365]}, indent=1))


if __name__ == "__main__":
    main()
