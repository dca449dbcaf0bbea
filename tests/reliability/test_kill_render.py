"""SIGKILL `loaxa render` mid-render: no half-written rows or files, and the last good render is still used."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, update

from audio.ffmpeg import probe
from audio.format import is_canonical_wav
from audio.tools import Tools
from broadcast.content.rendering import script_audio
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import Render, Script, Station
from tests.conftest import subprocess_env

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them

ROOT = Path(__file__).resolve().parents[2]


def _state(factory):
    with factory() as session:
        renders = {(r.id, r.path) for r in session.scalars(select(Render))}
        audio = {s.id: script_audio(session, s) for s in session.scalars(select(Script))}
    return renders, audio


def test_kill_render_midway_leaves_only_whole_renders(demo_settings, record):
    factory = make_session_factory(make_engine(demo_settings.db_url))
    before_rows, before_audio = _state(factory)
    with transaction(factory) as session:
        # A new loudness target changes every cache key: everything must be rendered again.
        session.execute(update(Station).values(loudness_lufs=-18.0))
    kills = 0
    for delay in (1.5, 4.0):
        proc = subprocess.Popen([sys.executable, "-m", "loaxa", "render", "--all"], cwd=ROOT, env=subprocess_env(demo_settings),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        kills += 1
        rows, audio = _state(factory)
        assert rows == before_rows  # rows are written in one transaction at the end: none half-written
        assert audio == before_audio  # every script still plays its last good render
        for script_id, item in audio.items():
            assert item is not None and item.path.is_file() and probe(item.path, tools=TOOLS).duration_s > 1, script_id
        for wav in (demo_settings.audio_dir / "renders").rglob("*.wav"):
            if not wav.name.startswith("."):
                assert is_canonical_wav(wav), f"visible render {wav} is not whole"
    stale = list((demo_settings.audio_dir / "renders").rglob(".*.tmp"))
    record("render_sigkills_survived", kills, "`loaxa render --all` killed with SIGKILL mid-render: no render row changed, every visible file whole, last good render still played")
    record("render_stale_tmp_files_after_kill", len(stale), "hidden temporary files left by the killed renders (swept by the next `loaxa render` after an hour)")
