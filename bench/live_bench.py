"""Live latency: a known sound sent into the live path -> its first sample landing in the output file, beside a plain ffmpeg pipe.

python bench/live_bench.py [--runs N]
The clip is 1 s of silence, then a tone. Both paths start the same capture (`ffmpeg -re` on the clip, Matroska PCM out,
as `loaxa live --input FILE` does) at wall-clock T; the sound "enters" at T + its onset. loaxa's path: the sender spools
the capture as numbered chunks (a database check per chunk), the playout process's live thread reads them into its
ffmpeg, which writes the output WAV. Baseline (the floor): the capture piped straight into one ffmpeg writing the same
kind of WAV. bench/sink_probe.py, in its own process, reports when the first loud sample lands in each file.
The browser's transport is measured too (live_http_*): the same clip encoded to Opus in WebM as MediaRecorder does, cut
into 250 ms pieces, each POSTed to the panel's chunk endpoint over loopback HTTP (waitress, a logged-in editor, CSRF), then
the same spool and player. And the whole browser path (live_browser_*): the live page in Chromium, its microphone a
WebAudio tone behind a gate (getUserMedia answered with that stream), the gate opened at a wall-clock instant the page
reports; then MediaRecorder's Opus pieces, the page's own sending, the spool and the player. Only a sound card's input
delay is outside it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import sink_probe  # noqa: E402
from playout_bench import Probe, p95  # noqa: E402

from audio import ffmpeg  # noqa: E402
from audio.capture import Capture, capture_command  # noqa: E402
from audio.format import SAMPLE_RATE  # noqa: E402
from audio.sinks import LIVE_INPUT_FLAGS, FileSink  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import Role, Station  # noqa: E402
from broadcast.playout import live as rules  # noqa: E402
from scheduler import context  # noqa: E402
from broadcast.stations.users import create_user  # noqa: E402
from scheduler import live as live_talks  # noqa: E402

PIECE_S = 0.25  # the live page's MediaRecorder timeslice (web/static/live.js)
CHROMIUM = "/usr/bin/chromium"
# The page's microphone: a 1 kHz tone behind a gain of 0; window.__sound() opens it and says when (ms since the epoch,
# the clock time.time() reads).
GATED_TONE = """(() => {
  const ctx = new AudioContext({ sampleRate: 48000 });
  const tone = ctx.createOscillator(), gate = ctx.createGain(), out = ctx.createMediaStreamDestination();
  tone.frequency.value = 1000;
  gate.gain.value = 0;
  tone.connect(gate).connect(out);
  tone.start();
  navigator.mediaDevices.getUserMedia = async () => { await ctx.resume(); return out.stream; };
  window.__sound = () => { gate.gain.setValueAtTime(0.5, ctx.currentTime); return Date.now(); };
})();"""
PASSWORD = "bench-live-2024"


def _clip(path: Path, tools) -> float:  # type: ignore[no-untyped-def]
    """1 s of silence then 1 s of 440 Hz; returns the onset (s) the probe sees."""
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='0.5*sin(2*PI*440*t)*gte(t,1)':s={SAMPLE_RATE}:c=mono:d=2",
                "-c:a", "pcm_s16le", "-y", str(path)], tools=tools)
    onset = sink_probe.WavFollower().feed(path.read_bytes())
    assert onset is not None
    return onset / SAMPLE_RATE


def _baseline(clip: Path, out: Path, tools) -> float:  # type: ignore[no-untyped-def]
    """The floor: the same capture piped into one plain ffmpeg (same input flags) writing a WAV; returns the capture's start."""
    started = time.time()
    capture = subprocess.Popen(capture_command(str(clip), tools=tools), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    subprocess.run(ffmpeg.command(["-loglevel", "error", *LIVE_INPUT_FLAGS, "-f", "matroska", "-i", "pipe:0", "-c:a", "pcm_s16le",
                                   "-flush_packets", "1", "-f", "wav", "-y", str(out)], tools=tools),
                   stdin=capture.stdout, check=True)
    capture.wait()
    return started


def _loaxa(ctx, factory, station_id: int, clip: Path) -> float:  # type: ignore[no-untyped-def]
    """One talk through the live path (spool, the player's live thread, its ffmpeg); returns the capture's start."""
    with transaction(factory) as session:
        live_id = rules.start_live(session, ctx.settings, session.get(Station, station_id), [], speaker="bench").id
    threads = live_talks.watch_live(ctx)
    assert rules.wait_on_air(factory, live_id) == rules.ON_AIR
    started = time.time()
    rules.send_capture(factory, live_id, Capture(str(clip), tools=ctx.settings.tools))
    for thread in threads:
        thread.join(30)
    return started


class Panel:
    """The panel on loopback (waitress in a thread, as a commune runs it) and an editor logged in to it."""

    def __init__(self, settings) -> None:  # type: ignore[no-untyped-def]
        import requests
        from waitress.server import create_server

        from web import create_app

        self.server = create_server(create_app(settings), host="127.0.0.1", port=0, threads=4)
        self.base = f"http://127.0.0.1:{self.server.effective_port}"
        threading.Thread(target=self.server.run, name="bench-panel", daemon=True).start()
        self.http = requests.Session()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.http.get(self.base + "/dang-nhap", timeout=30).text).group(1)
        self.http.post(self.base + "/dang-nhap", data={"csrf_token": token, "username": "bench", "password": PASSWORD},
                       timeout=30).raise_for_status()
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.http.get(self.base + "/truc-tiep/", timeout=30).text).group(1)

    def close(self) -> None:
        self.server.close()


def _http(ctx, factory, panel: Panel, clip: Path, phase: float) -> float:  # type: ignore[no-untyped-def]
    """One talk as the live page sends it: Opus/WebM pieces of 250 ms POSTed to the panel; returns the encoder's start.

    phase (0-1) shifts where the pieces are cut: a speaker's first word falls anywhere in a piece, not on its edge."""
    answer = panel.http.post(panel.base + "/truc-tiep/bat-dau", data={"csrf_token": panel.token}, timeout=30).json()
    assert answer["ok"], answer
    live_id, headers = answer["id"], {"X-CSRFToken": panel.token, "Content-Type": "application/octet-stream"}
    threads = live_talks.watch_live(ctx)
    assert rules.wait_on_air(factory, live_id) == rules.ON_AIR
    started = time.time()
    # A cluster per Opus frame: Chromium's muxer writes each frame as it is encoded, while ffmpeg's holds a whole cluster
    # (5 s by default without video) before writing any of it.
    encoder = subprocess.Popen(ffmpeg.command(["-loglevel", "error", "-re", "-i", str(clip), "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
                                               "-f", "webm", "-live", "1", "-cluster_time_limit", "20", "-flush_packets", "1", "pipe:1"],
                                              tools=ctx.settings.tools),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seq, piece, cut_at = 0, b"", time.monotonic() + PIECE_S * (1 + phase)
    while data := encoder.stdout.read1(65536):  # type: ignore[union-attr]
        piece += data
        if time.monotonic() >= cut_at:  # MediaRecorder hands over what it holds every timeslice
            assert panel.http.post(f"{panel.base}/truc-tiep/{live_id}/am-thanh/{seq}", data=piece, headers=headers, timeout=30).status_code == 204
            seq, piece, cut_at = seq + 1, b"", cut_at + PIECE_S
    encoder.wait()
    if piece:
        panel.http.post(f"{panel.base}/truc-tiep/{live_id}/am-thanh/{seq}", data=piece, headers=headers, timeout=30)
    panel.http.post(f"{panel.base}/truc-tiep/{live_id}/ket-thuc", headers=headers, timeout=30)
    for thread in threads:
        thread.join(30)
    return started


class Browser:
    """Chromium (Debian's, through Playwright) on the live page, logged in as the bench's editor, its microphone gated."""

    def __init__(self, base: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._chromium = self._playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu",
                                                                                          "--autoplay-policy=no-user-gesture-required"])
        self.page = self._chromium.new_page()
        self.page.add_init_script(GATED_TONE)
        self.page.goto(base + "/dang-nhap")
        self.page.fill("#username", "bench")
        self.page.fill("#password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(base + "/")
        self.base = base

    def close(self) -> None:
        self._chromium.close()
        self._playwright.stop()


def _browser(ctx, browser: Browser, phase: float) -> float:  # type: ignore[no-untyped-def]
    """One talk from the live page in Chromium; returns the wall-clock instant its sound started (the gate opened)."""
    page = browser.page
    page.goto(browser.base + "/truc-tiep/")
    page.click("#live-toggle")
    deadline, threads = time.monotonic() + 30, []
    while not threads and time.monotonic() < deadline:  # the player's live watch takes the talk the page asked for
        threads = live_talks.watch_live(ctx)
        time.sleep(0.05)
    assert threads, "the player never took the page's talk"
    page.wait_for_function("document.querySelector('#live-status').textContent.includes('ĐANG PHÁT TRỰC TIẾP')", timeout=30000)
    page.wait_for_timeout(500 + 250 * phase)  # the recorder runs; the sound starts anywhere within a piece
    entered = page.evaluate("window.__sound()") / 1000.0
    page.wait_for_timeout(1500)
    page.click("#live-toggle")
    page.wait_for_function("document.querySelector('#live-status').textContent.includes('Đã kết thúc')", timeout=30000)
    for thread in threads:
        thread.join(30)
    return entered


def measure(runs: int = 10) -> dict[str, float]:
    """p50/p95 of sound-in -> first sample out, in ms, for loaxa's live path, the browser's transport and the plain pipe."""
    with tempfile.TemporaryDirectory(prefix="loaxa-live-bench-") as work:
        settings = load_settings(env={}, data_dir=str(Path(work) / "var"), aircheck=False)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            station = Station(slug=settings.station, name="Bench")
            session.add(station)
            session.flush()
            station_id = station.id
            create_user(session, "bench", PASSWORD, Role.EDITOR, station, "Bench")
        clip = Path(work) / "clip.wav"
        onset = _clip(clip, settings.tools)
        air = Path(work) / "air"
        air.mkdir()
        panel = Panel(settings)
        browser = Browser(panel.base)
        probe = Probe(air)
        starts: dict[str, float] = {}
        entered: dict[str, float] = {}  # the browser's talks: when their sound started, read off the page
        for n in range(runs):
            starts[f"base-{n}.wav"] = _baseline(clip, air / f"base-{n}.wav", settings.tools)
            ctx = context.PlayoutContext(settings, factory, sinks_override=[FileSink(air / f"live-{n}.wav")])
            context.install(ctx)
            starts[f"live-{n}.wav"] = _loaxa(ctx, factory, station_id, clip)
            ctx = context.PlayoutContext(settings, factory, sinks_override=[FileSink(air / f"http-{n}.wav")])
            context.install(ctx)
            starts[f"http-{n}.wav"] = _http(ctx, factory, panel, clip, (n * 0.618) % 1.0)
            ctx = context.PlayoutContext(settings, factory, sinks_override=[FileSink(air / f"browser-{n}.wav")])
            context.install(ctx)
            entered[f"browser-{n}.wav"] = _browser(ctx, browser, (n * 0.618) % 1.0)
        # The player writes its file under a hidden .part name until the talk ends: that is where the sample lands.
        landed = {name.lstrip(".").removesuffix(".part"): at for name, at in probe.stop(4 * runs)}
        browser.close()
        panel.close()
        engine.dispose()
    entered.update({name: start + onset for name, start in starts.items()})
    latency = {name: (landed[name] - at) * 1000.0 for name, at in entered.items() if name in landed}
    live = [v for k, v in latency.items() if k.startswith("live")]
    http = [v for k, v in latency.items() if k.startswith("http")]
    base = [v for k, v in latency.items() if k.startswith("base")]
    browser = [v for k, v in latency.items() if k.startswith("browser")]
    return {"live_browser_latency_ms_p50": round(statistics.median(browser), 1), "live_browser_latency_ms_p95": round(p95(browser), 1),"live_latency_ms_p50": round(statistics.median(live), 1), "live_latency_ms_p95": round(p95(live), 1),
            "live_http_latency_ms_p50": round(statistics.median(http), 1), "live_http_latency_ms_p95": round(p95(http), 1),
            "live_pipe_ms_p50": round(statistics.median(base), 1), "live_pipe_ms_p95": round(p95(base), 1),
            "live_runs": float(min(len(live), len(http), len(base), len(browser)))}


def run(quick: bool) -> dict[str, float]:
    """The runner's entry: 10 talks of each path, 3 when quick."""
    return measure(3 if quick else 10)


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    print(json.dumps(measure(parser.parse_args().runs), indent=1))


if __name__ == "__main__":
    threading.current_thread().name = "live-bench"
    main()
