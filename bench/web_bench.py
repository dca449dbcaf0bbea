"""The panel under load: 50 concurrent clients (wrk) on the log and schedule pages, beside a static file, in rounds.

The panel runs as `loaxa web` (waitress, as in production) in its own process, on a station whose log
holds a year of rows; wrk drives it from another process on loopback, bounded in time.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.asrun import chain as asrun  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import AsRunEntry, LogStatus, Role, Station, Zone  # noqa: E402
from broadcast.stations.users import create_user  # noqa: E402

PASSWORD = "matkhau-bench"
ITEMS = 6
PAGES = {"static": "/static/loaxa.css", "log": "/nhat-ky/", "schedule": "/lich/"}
# A full run measures in rounds, each the static file then both pages back to back, and takes each one's median p99 over
# the rounds: a hiccup of the shared machine lands in one round's window, not in one of the three figures only.
ROUNDS = 4


def fill_year(settings, days: int) -> None:
    """A station with zones, a viewer, and `days` days of two six-item broadcasts in its chained log."""
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        station = Station(slug="cam-tan", name="Đài truyền thanh xã Cẩm Tân")
        session.add(station)
        session.flush()
        for n in range(1, 9):
            session.add(Zone(station_id=station.id, code=f"thon-{n}", name=f"Thôn {n}", position=n))
        create_user(session, "bench", PASSWORD, Role.VIEWER, station)
        last = datetime.now(timezone.utc).replace(hour=22, minute=30, second=0, microsecond=0)
        for d in range(days):
            for slot_start in (last - timedelta(days=d + 1), last - timedelta(days=d + 1) + timedelta(hours=11, minutes=30)):
                for i in range(ITEMS):
                    start = slot_start + timedelta(seconds=60 * i)
                    asrun.append(session, AsRunEntry(
                        station_id=station.id, zones="all", slot_start=slot_start, slot_end=slot_start + timedelta(minutes=30),
                        planned_start=start, actual_start=start + timedelta(milliseconds=3), actual_end=start + timedelta(seconds=59),
                        item_type="script", item_ref=f"script:{i}", title=f"Bài số {i}", campaign="bdg-2024" if i % 2 else "",
                        voice="espeak:vi", status=LogStatus.PLAYED, seconds=59.0, sinks="aircheck"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str) -> str:
    """Log in like a browser and return the session cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/dang-nhap", timeout=10).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": "bench", "password": PASSWORD}).encode()
    opener.open(base + "/dang-nhap", data=data, timeout=10).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _wrk(url: str, cookie: str, seconds: int, clients: int) -> dict[str, float]:
    """Run wrk and read its requests/s and latency percentiles (ms)."""
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if re.search(r"\b0 requests in", out):
        raise RuntimeError(f"wrk got no answer from {url}: is the server stuck?")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "non_2xx": float(errors.group(1)) if errors else 0.0}


def _warm(url: str, cookie: str, times: int) -> None:
    """Ask for a page one request at a time, so every worker has rendered it once (templates, caches); not measured."""
    # One at a time with a generous timeout: a cold page on a busy machine may take seconds, which a timed wrk run
    # would count as "no answer".
    for _ in range(times):
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=120) as reply:
            reply.read()


def _serve_and_measure(settings, tmp: Path, workers: int, days: int, seconds: int, clients: int, rounds: int) -> tuple[dict[str, dict[str, float]], list[float]]:
    """Start `loaxa web` with this many worker processes and drive its pages and a static file with wrk, in rounds; each
    one's median figures over the rounds (and the export's), and each round's worse page p99 over its static p99."""
    port = _free_port()
    env = {**os.environ, "LOAXA_DATA_DIR": str(settings.data_dir), "LOAXA_PORT": str(port), "LOAXA_LOG_LEVEL": "WARNING",
           "LOAXA_LOGIN_RATE_LIMIT": "1000 per minute", "LOAXA_WEB_WORKERS": str(workers)}
    # stderr to a file: an unread pipe fills with waitress's queue warnings under load and freezes the server.
    server_log = tmp / f"web-{workers}.log"
    server = subprocess.Popen([sys.executable, "-m", "loaxa", "web"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=server_log.open("ab"))
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/dang-nhap", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("panel did not start: " + server_log.read_text(errors="replace")[-500:])
                time.sleep(0.2)
        cookie = _login(base)
        first = (date.today() - timedelta(days=days)).strftime("%d/%m/%Y")
        for page in ("/nhat-ky/", "/lich/"):
            _warm(base + page, cookie, 2 * workers)
        measured = [{name: _wrk(base + url, cookie, seconds, clients) for name, url in PAGES.items()} for _ in range(rounds)]
        export = _wrk(base + f"/nhat-ky/xuat.csv?tu={first}", cookie, max(1, seconds * rounds // 2), max(2, clients // 5))
    finally:
        server.terminate()
        server.wait(timeout=20)
    if any(r["non_2xx"] for one in measured for r in one.values()) or export["non_2xx"]:
        raise RuntimeError(f"non-2xx answers under load with {workers} worker(s): {measured}, export {export}")
    results, ratios = summarize(measured)
    return {**results, "export": export}, ratios


def summarize(rounds: list[dict[str, dict[str, float]]]) -> tuple[dict[str, dict[str, float]], list[float]]:
    """Each of PAGES' median rps, p50 and p99 over the rounds, and each round's worse page p99 over its static p99."""
    medians = {name: {key: statistics.median(one[name][key] for one in rounds) for key in ("rps", "p50", "p99")} for name in PAGES}
    return medians, [max(one["log"]["p99"], one["schedule"]["p99"]) / one["static"]["p99"] for one in rounds]


def run(quick: bool) -> dict:
    """Figures: web_rps/web_p99_ms over the log and schedule pages, static_* as the baseline, and the worse page's p99 over
    the static file's (web_p99_ratio, aim 2), for N workers and then 1 (N only when quick: no `*_1worker` figures)."""
    if shutil.which("wrk") is None:
        return {"_skipped": "wrk is not installed (apt-get install wrk; `make test` installs it)"}
    days, seconds, clients, rounds = (7, 1, 10, 1) if quick else (365, 5, 50, ROUNDS)
    workers = 2 * (os.cpu_count() or 1)  # gunicorn's rule of thumb, as docs/deploy.md recommends for a province
    figures: dict = {"web_clients": clients, "web_seconds": seconds, "web_rounds": rounds, "web_log_rows": days * 2 * ITEMS,
                     "web_workers": workers}
    import profile_web

    figures.update(profile_web.page_cpu(days, 20 if quick else 300))
    span = "year" if days == 365 else f"{days}d"  # the export covers the whole log: named for its span
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        settings = load_settings(env={}, data_dir=str(Path(tmp) / "var"))
        fill_year(settings, days)
        # A quick run checks that the runner works and names its figures: one server start and its four wrk runs do that.
        for count, suffix in ((workers, ""),) if quick else ((workers, ""), (1, "_1worker")):
            results, ratios = _serve_and_measure(settings, Path(tmp), count, days, seconds, clients, rounds)
            pages = [results["log"], results["schedule"]]
            figures.update({
                f"web_p99_ratio{suffix}": max(r["p99"] for r in pages) / results["static"]["p99"],
                f"web_p99_ratio_worst_round{suffix}": max(ratios), f"web_p99_ratio_best_round{suffix}": min(ratios),
                f"web_p99_ms_log{suffix}": results["log"]["p99"], f"web_p99_ms_schedule{suffix}": results["schedule"]["p99"],
                f"web_rps{suffix}": sum(r["rps"] for r in pages) / len(pages), f"web_p99_ms{suffix}": max(r["p99"] for r in pages),
                f"web_p50_ms{suffix}": max(r["p50"] for r in pages), f"static_rps{suffix}": results["static"]["rps"],
                f"static_p99_ms{suffix}": results["static"]["p99"],
                f"log_export_{span}_p99_ms{suffix}": results["export"]["p99"], f"log_export_{span}_rps{suffix}": results["export"]["rps"],
            })
    return figures


if __name__ == "__main__":
    print(run("--quick" in sys.argv))
