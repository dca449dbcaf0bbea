"""Panel benchmarks: time to serve the main pages and the live spoken-form preview, against a static file."""
# Run: python -m bench.panel_bench [--rows 5000] [--repeat 20]
# Baseline in the same run: serving the static CSS file through the same app (the floor of any request).
# Figures are medians in milliseconds over --repeat requests with the Flask test client (no network).

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402

BODY = "UBND xã thông báo: ngày 15/11/2024 tiêm chủng tại trạm y tế thôn 3, gọi 0912 345 678. " * 20


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def run(rows: int = 5000, repeat: int = 20) -> dict[str, float]:
    """Median ms per page with `rows` log rows today; baseline_static_ms is the floor."""
    from broadcast.asrun import chain as asrun
    from broadcast.models import AsRunEntry, LogStatus
    from broadcast.ops.demo import load_demo
    from broadcast.stations.lookup import get_station
    from broadcast.timeutil import SystemClock
    from web import create_app

    data = Path(tempfile.mkdtemp()) / "var"
    settings = load_settings(env={}, data_dir=str(data))
    engine = make_engine(settings.db_url)
    upgrade(engine)
    now = SystemClock().now()
    with transaction(make_session_factory(engine)) as session:
        load_demo(session, settings, now.astimezone(settings.tz).date())
        station = get_station(session, settings.station)
        for n in range(rows):
            asrun.append(session, AsRunEntry(station_id=station.id, planned_start=now - timedelta(seconds=n), item_type="script",
                                             title=f"Bài {n}", zones="all", status=LogStatus.PLAYED, seconds=60.0))
    app = create_app(settings)
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/dang-nhap", data={"username": "bientap", "password": "camtan2024", "csrf_token": token})
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    figures = {
        "baseline_static_ms": _median_ms(lambda: client.get("/static/loaxa.css"), repeat),
        "home_ms": _median_ms(lambda: client.get("/"), repeat),
        "log_page_ms": _median_ms(lambda: client.get("/nhat-ky/"), repeat),
        "scripts_list_ms": _median_ms(lambda: client.get("/bai/"), repeat),
        "spoken_preview_ms": _median_ms(lambda: client.post("/bai/doc-thu", data={"title": "Tin", "body": BODY, "csrf_token": token}), repeat),
        "verify_chain_ms": _median_ms(lambda: client.post("/nhat-ky/kiem-tra", data={"csrf_token": token}), max(repeat // 4, 3)),
        "log_rows": float(rows),
    }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(run(args.rows, args.repeat), indent=1))


if __name__ == "__main__":
    main()
