"""The province status page for many communes: grouped queries against the per-station loop they replace.

python bench/stations_bench.py [--stations 500] [--quick]
Synthetic but real rows per station: one zone, a heartbeat, four broadcasts of today (one playing, one missed),
a current campaign and a week of aired log rows, bulk-inserted with SQLAlchemy Core (hashes are not chained:
the page does not read them). Baseline in the same run: the same read model called once per station, which is
what a page built from the home page's per-station queries would do.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, upgrade  # noqa: E402
from broadcast.models import AsRunEntry, Broadcast, Campaign, PlayerHeartbeat, Station, Zone  # noqa: E402
from broadcast.province.overview import station_overview  # noqa: E402
from broadcast.timeutil import UTC, VN_TZ, local_at  # noqa: E402

NOW = local_at(date(2024, 11, 20), dtime(10, 0), VN_TZ)


def _load(engine, stations: int) -> list[int]:
    morning = local_at(date(2024, 11, 20), dtime(5, 30), VN_TZ)
    with engine.begin() as conn:
        conn.execute(insert(Station), [{"slug": f"st-{n:04d}", "name": f"Xã {n}", "timezone": "Asia/Ho_Chi_Minh",
                                        "created_at": datetime(2024, 11, 1, tzinfo=UTC)} for n in range(stations)])
        ids = list(conn.scalars(select(Station.id).order_by(Station.id)))
        conn.execute(insert(Zone), [{"station_id": i, "code": "thon-1", "name": "Thôn 1", "position": 1} for i in ids])
        conn.execute(insert(PlayerHeartbeat), [{"station_id": i, "pid": 1, "started_at": NOW, "beat_at": NOW} for i in ids[::2]])
        conn.execute(insert(Campaign), [{"station_id": i, "slug": "bdg-2024", "name": "Tháng hành động", "start_date": date(2024, 11, 15),
                                         "end_date": date(2024, 12, 15), "target_value": 10.0, "status": "approved"} for i in ids])
        rows = []
        for i in ids:
            for k, status in enumerate(("done", "missed", "playing", "ready")):
                start = morning + timedelta(hours=2 * k)
                rows.append({"station_id": i, "title": f"Buổi {k}", "slot_start": start, "slot_end": start + timedelta(minutes=30),
                             "planned_start": start, "status": status, "started_at": start if status in ("done", "playing") else None})
        conn.execute(insert(Broadcast), rows)
        log = [{"station_id": i, "seq": d + 1, "planned_start": morning - timedelta(days=d), "item_type": "script", "campaign": "bdg-2024",
                "status": "played", "seconds": 600.0, "prev_hash": "", "row_hash": ""} for i in ids for d in range(7)]
        conn.execute(insert(AsRunEntry), log)
    return ids


def _time(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def measure(stations: int = 500, repeat: int = 3) -> dict:
    """Median ms to build the status page's rows for every station, grouped and one station at a time."""
    with tempfile.TemporaryDirectory(prefix="bench-stations-") as tmp:
        settings = load_settings(env={}, data_dir=tmp)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        ids = _load(engine, stations)
        factory = make_session_factory(engine)

        def grouped() -> None:
            with factory() as session:
                assert len(station_overview(session, ids, NOW, 30, 300)) == stations

        def per_station() -> None:
            with factory() as session:
                for sid in ids:
                    station_overview(session, [sid], NOW, 30, 300)

        figures = {f"overview_{stations}_ms": _time(grouped, repeat), f"overview_loop_{stations}_ms": _time(per_station, repeat)}
        engine.dispose()
    return figures


def run(quick: bool) -> dict:
    """The runner's entry point: 500 stations (`overview_ms`), or 50 when quick (`overview_50_ms`)."""
    if quick:
        return measure(50, 1)
    return {k.replace("_500_", "_"): v for k, v in measure(500, 3).items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=500)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(json.dumps(measure(50 if args.quick else args.stations)))
