"""Where a panel page's CPU goes: pyinstrument over the log and schedule pages on a year of log rows.

`python bench/profile_web.py` writes docs/profile-web.txt; web_bench.page_cpu() gives the per-page CPU figures.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.config import load_settings  # noqa: E402

PAGES = ("/nhat-ky/", "/lich/")
STATIC = "/static/loaxa.css"


def logged_in_client(days: int, tmp: str):  # type: ignore[no-untyped-def]
    """A Flask test client logged in as a viewer of a station with `days` days of log rows."""
    from web import create_app
    from web_bench import PASSWORD, fill_year

    settings = load_settings(env={"LOAXA_LOGIN_RATE_LIMIT": "1000 per minute", "LOAXA_LOG_LEVEL": "WARNING"}, data_dir=str(Path(tmp) / "var"))
    fill_year(settings, days)
    client = create_app(settings).test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/dang-nhap", data={"csrf_token": token, "username": "bench", "password": PASSWORD})
    for url in (*PAGES, STATIC):
        if client.get(url).status_code != 200:  # also warms templates and statement caches
            raise RuntimeError(f"{url} did not answer 200")
    return client


def cpu_ms(client, url: str, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """CPU milliseconds per request (process time: steadier than wall time on a shared machine)."""
    began = time.process_time()
    for _ in range(repeat):
        client.get(url)
    return (time.process_time() - began) / repeat * 1000.0


def page_cpu(days: int, repeat: int) -> dict[str, float]:
    """Figures: CPU ms per log page, per schedule page, and per static file (the framework's floor)."""
    with tempfile.TemporaryDirectory(prefix="bench-webcpu-") as tmp:
        client = logged_in_client(days, tmp)
        return {"web_cpu_ms_log": cpu_ms(client, PAGES[0], repeat), "web_cpu_ms_schedule": cpu_ms(client, PAGES[1], repeat),
                "web_cpu_ms_static": cpu_ms(client, STATIC, repeat)}


def main() -> None:
    """Profile both pages and write the call tree."""
    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory(prefix="bench-webprof-") as tmp:
        client = logged_in_client(365, tmp)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(200):
            for url in PAGES:
                client.get(url)
        profiler.stop()
    out = ROOT / "docs" / "profile-web.txt"
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "bench"))
    main()
