"""SIGKILL `loaxa render` mid-render: no half-written rows or files, the last good render is still used, and the next
`loaxa render` sweeps what the kills left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
from sqlalchemy import select, update

from audio.atomic import is_temporary
from audio.ffmpeg import probe
from audio.format import is_canonical_wav
from audio.tools import Tools
from broadcast.content.rendering import script_audio
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import Render, Script, Station
from tests.conftest import subprocess_env

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them

ROOT = Path(__file__).resolve().parents[2]
RENDER_TOOLS = {"espeak-ng", "ffmpeg"}  # a child running one of these is a render in progress
STALE_AGE_S = 2 * 3600  # past the sweep's one-hour limit


def _state(factory):
    with factory() as session:
        renders = {(r.id, r.path) for r in session.scalars(select(Render))}
        audio = {s.id: script_audio(session, s) for s in session.scalars(select(Script))}
    return renders, audio


def _walk(folder: Path):  # type: ignore[no-untyped-def]
    """(path, is_dir) of everything under folder, outside hidden folders; tolerant of writers removing theirs meanwhile."""
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            yield Path(root) / name, True
        for name in files:
            yield Path(root) / name, False
        dirs[:] = [d for d in dirs if not d.startswith(".")]


def _left_behind(audio_dir: Path) -> list[Path]:
    """Hidden temporary files and work folders in the audio folder (what a killed writer leaves)."""
    return sorted(path for path, _ in _walk(audio_dir) if is_temporary(path.name))


def _finished(audio_dir: Path) -> set[Path]:
    """Finished renders in the cache (visible .wav files outside any hidden work folder)."""
    return {path for path, is_dir in _walk(audio_dir / "renders") if not is_dir and path.suffix == ".wav" and not path.name.startswith(".")}


def _kill_mid_render(proc: subprocess.Popen, ready, timeout_s: float = 120.0) -> tuple[list[str], list[psutil.Process]]:
    """SIGKILL the render as soon as `ready()` holds while it runs espeak-ng or ffmpeg; returns those tools and all its children."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the render ended before it could be killed mid-way: the test proved nothing"
        try:
            children = psutil.Process(proc.pid).children(recursive=True)
            running = [c.name() for c in children if c.is_running()]
        except psutil.NoSuchProcess:
            continue
        tools = [name for name in running if name in RENDER_TOOLS]
        if tools and ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return tools, children
        time.sleep(0.02)
    raise AssertionError(f"no render tool ran within {timeout_s:.0f} s")


def test_kill_render_midway_leaves_only_whole_renders_and_the_next_render_sweeps(demo_settings, tmp_path, record):
    factory = make_session_factory(make_engine(demo_settings.db_url))
    before_rows, before_audio = _state(factory)
    with transaction(factory) as session:
        # A new loudness target changes every cache key: everything must be rendered again.
        session.execute(update(Station).values(loudness_lufs=-18.0))
    # A private system temp folder: anything a render put there could not be swept, and counts as left behind.
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    env = subprocess_env(demo_settings, TMPDIR=str(system_tmp))
    audio_dir = demo_settings.audio_dir
    kills, tools_at_kill, left_by_kill, finished_before_kill = 0, [], [], []
    # First kill before any render of the run has finished, second once at least one has: mid-batch both times.
    for finished_wanted in (0, 1):
        cached = _finished(audio_dir)
        temp_before = set(_left_behind(audio_dir))
        proc = subprocess.Popen([sys.executable, "-m", "loaxa", "render", "--all"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Mid-render: a render's work folder is open (not just the tools' version checks at start-up).
        tools, children = _kill_mid_render(proc, lambda: any(p.is_dir() for p in set(_left_behind(audio_dir)) - temp_before)
                                           and len(_finished(audio_dir) - cached) >= finished_wanted)
        kills += 1
        tools_at_kill.append(tools)
        finished_before_kill.append(len(_finished(audio_dir) - cached))
        psutil.wait_procs(children, timeout=60)  # orphaned tools finish their step; nothing renames their output any more
        left = set(_left_behind(audio_dir)) - temp_before
        # The work folder of the render in progress is still there: the kill landed mid-render.
        assert any(p.is_dir() for p in left), (tools, sorted(map(str, left)))
        left_by_kill.append(len(left))
        rows, audio = _state(factory)
        assert rows == before_rows  # rows are written in one transaction at the end: none half-written
        assert audio == before_audio  # every script still plays its last good render
        for script_id, item in audio.items():
            assert item is not None and item.path.is_file() and probe(item.path, tools=TOOLS).duration_s > 1, script_id
        for wav in _finished(audio_dir):
            assert is_canonical_wav(wav), f"visible render {wav} is not whole"
    assert finished_before_kill[0] == 0 and finished_before_kill[1] >= 1, finished_before_kill
    assert not list(system_tmp.iterdir()), "a render wrote to the system temp folder, where no sweep finds it"

    # An hour later the next `loaxa render` sweeps what the kills left (nothing needs rendering: rows still current).
    leftovers = _left_behind(audio_dir)
    assert len(leftovers) >= kills
    for path in leftovers:
        then = time.time() - STALE_AGE_S
        os.utime(path, (then, then))
    done = subprocess.run([sys.executable, "-m", "loaxa", "render"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().startswith("0 bài tạo mới"), done.stdout
    stale = _left_behind(audio_dir)
    assert stale == [], stale
    assert not list(system_tmp.iterdir())
    assert _state(factory) == (before_rows, before_audio)
    record("render_sigkills_mid_render", kills, "`loaxa render --all` killed with SIGKILL while it ran "
           f"{' and '.join(sorted({t for ts in tools_at_kill for t in ts}))} (the first kill before any script of the run finished, "
           f"the second after {finished_before_kill[1]}), each leaving its work folder: no render row changed, every visible file whole, "
           "last good render still played")
    record("render_tmp_left_by_kills", sum(left_by_kill), "hidden temporary files and work folders the killed renders left in the audio folder "
           f"({', '.join(map(str, left_by_kill))} per kill; none in the system temp folder)")
    record("render_stale_tmp_after_sweep", len(stale), "of those, left after the next `loaxa render` (run once they were an hour old, its sweep limit)")
