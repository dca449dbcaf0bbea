"""The ffmpeg, ffprobe and espeak named in the settings file are the programs that run: for a render, for playout, for the CLI."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.config import Settings, load_settings
from broadcast.timeutil import SystemClock
from loaxa.cli import main
from scheduler import jobs
from tests.scheduler.conftest import make_broadcast, rows_of, sim_context


def _wrapper(folder: Path, program: str) -> tuple[Path, Path]:
    """A script that notes each call (its arguments, one line) in a log, then execs the real program."""
    real = shutil.which(program)
    assert real, f"{program} must be installed for this test"
    script, log = folder / f"wrapped-{program}", folder / f"{program}.calls"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return script, log


def _calls(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def wrapped(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """A settings file naming a wrapper for each program, and each wrapper's call log."""
    folder = tmp_path / "wrappers"
    folder.mkdir()
    logs, lines = {}, ["[loaxa]"]
    for key, program in (("ffmpeg", "ffmpeg"), ("ffprobe", "ffprobe"), ("espeak", "espeak-ng")):
        script, logs[key] = _wrapper(folder, program)
        lines.append(f'{key} = "{script}"')
    config = tmp_path / "loaxa.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, logs


def _from_file(config: Path, base: Settings) -> Settings:
    """Settings read from the file, on the test's own data dir and database."""
    return load_settings(env={"LOAXA_CONFIG": str(config)}, data_dir=str(base.data_dir), database_url=base.database_url or None)


def test_render_and_playout_run_the_programs_of_the_settings_file(demo_settings, demo_factory, wrapped):
    config, logs = wrapped
    now = SystemClock().now()
    settings = _from_file(config, demo_settings)
    assert (settings.ffmpeg, settings.espeak) == (str(config.parent / "wrappers" / "wrapped-ffmpeg"),
                                                  str(config.parent / "wrappers" / "wrapped-espeak-ng"))

    # A one-off message of new text: espeak-ng speaks it, ffmpeg finishes and assembles it.
    broadcast_id = make_broadcast(settings, demo_factory, now + timedelta(seconds=30), with_jingles=False,
                                  title="Tin thử công cụ")
    assert any("-w" in call for call in _calls(logs["espeak"])), "espeak-ng of the settings file was not run"
    assert any("loudnorm" in call or "alimiter" in call for call in _calls(logs["ffmpeg"])), "ffmpeg of the settings file did not finish the render"
    assert any("concat" in call for call in _calls(logs["ffmpeg"])), "ffmpeg of the settings file did not assemble the broadcast"

    logs["ffmpeg"].unlink(missing_ok=True)
    sim_context(settings, demo_factory, now)
    jobs.air(broadcast_id)
    assert [row.status.value for row in rows_of(demo_factory, broadcast_id)] == ["played"]
    played = [call for call in _calls(logs["ffmpeg"]) if "-progress pipe:1" in call]
    assert played, "the playout ffmpeg was not the one of the settings file"


def test_cli_tts_runs_the_programs_of_the_settings_file(settings, wrapped, tmp_path, monkeypatch):
    config, logs = wrapped
    monkeypatch.setenv("LOAXA_CONFIG", str(config))
    out = tmp_path / "tin.mp3"
    done = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "tts", "--engine", "espeak",
                                     "Kính thưa bà con, thử công cụ.", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.is_file() and out.stat().st_size > 1000
    assert _calls(logs["espeak"]), "espeak-ng of the settings file was not run"
    assert any("libmp3lame" in call for call in _calls(logs["ffmpeg"])), "ffmpeg of the settings file did not export the MP3"
