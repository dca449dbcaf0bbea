"""audio.tools.Tools: the configured program runs; a missing one is one sentence saying what to fix."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audio.errors import ToolMissing
from audio.tools import Tools


@pytest.mark.parametrize("tool, program", [("ffmpeg", "ffmpeg"), ("ffprobe", "ffprobe"), ("espeak", "espeak-ng")])
def test_default_names_are_found_on_path(tool: str, program: str) -> None:
    assert Tools().path(tool) == shutil.which(program)


def test_a_configured_path_wins_over_path(tmp_path: Path) -> None:
    mine = tmp_path / "espeak-ng-build"
    mine.symlink_to(shutil.which("espeak-ng"))
    assert Tools(espeak=str(mine)).path("espeak") == str(mine)


@pytest.mark.parametrize("tool, message", [
    ("ffmpeg", "Chưa cài ffmpeg: hãy chạy `make run` hoặc `apt-get install ffmpeg`."),
    ("ffprobe", "Chưa cài ffprobe: hãy chạy `make run` hoặc `apt-get install ffmpeg`."),
    ("espeak", "Chưa cài espeak-ng: hãy chạy `make run` hoặc `apt-get install espeak-ng`."),
])
def test_a_default_name_missing_from_path_says_how_to_install(tool: str, message: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: nothing installed
    with pytest.raises(ToolMissing) as missing:
        Tools().path(tool)
    assert str(missing.value) == message


@pytest.mark.parametrize("tool, setting, package", [
    ("ffmpeg", "LOAXA_FFMPEG", "ffmpeg"), ("ffprobe", "LOAXA_FFPROBE", "ffmpeg"), ("espeak", "LOAXA_ESPEAK", "espeak-ng"),
])
def test_a_configured_program_that_is_not_there_names_its_setting(tool: str, setting: str, package: str,
                                                                  tmp_path: Path) -> None:
    wrong = str(tmp_path / "nowhere")
    with pytest.raises(ToolMissing) as missing:
        Tools(**{tool: wrong}).path(tool)
    program = {"espeak": "espeak-ng"}.get(tool, tool)
    assert str(missing.value) == (f"Không chạy được {program} tại '{wrong}' (biến {setting}): "
                                  f"hãy sửa đường dẫn hoặc chạy `apt-get install {package}`.")
