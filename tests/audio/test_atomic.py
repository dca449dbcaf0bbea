"""What a killed writer leaves, and what the sweep removes: hidden *.tmp files and work folders past an age, nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from audio.atomic import scratch_dir, sweep_stale

HOUR = 3600.0


def _make(root: Path, name: str, kind: str, age_s: float) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "dir":
        path.mkdir()
        (path / "segment0000").write_bytes(b"x")
    else:
        path.write_bytes(b"x")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


@pytest.mark.parametrize("name, kind, age_s, swept", [
    ("ab/.key.wav.k3j2.wav.tmp", "file", 2 * HOUR, True),  # atomic_path's file of a killed writer
    (".tts.x8w1q0.tmp", "dir", 2 * HOUR, True),  # a killed render's speech work folder
    ("ab/.key.wav.p0o9.tmp", "dir", 2 * HOUR, True),  # a killed loudness pass's attempts folder
    ("ab/.key.wav.k3j2.wav.tmp", "file", 60, False),  # young: its writer may still be at work
    (".tts.x8w1q0.tmp", "dir", 60, False),
    ("ab/key.wav.tmp", "file", 2 * HOUR, False),  # not hidden: not ours to remove
    ("ab/.key.json", "file", 2 * HOUR, False),  # hidden but not a temporary name
    ("ab/key.wav", "file", 2 * HOUR, False),  # a finished render
])
def test_sweep_removes_only_old_hidden_temporaries(tmp_path, name, kind, age_s, swept):
    path = _make(tmp_path, name, kind, age_s)
    assert sweep_stale(tmp_path) == (1 if swept else 0)
    assert path.exists() is not swept


def test_sweep_of_a_missing_folder_is_nothing(tmp_path):
    assert sweep_stale(tmp_path / "khong-co") == 0


def test_scratch_dir_is_hidden_inside_its_folder_and_gone_afterwards(tmp_path):
    with scratch_dir(tmp_path / "renders", "tts") as work:
        assert work.parent == tmp_path / "renders" and work.name.startswith(".tts.") and work.name.endswith(".tmp")
        (work / "segment0000").write_bytes(b"x")
    assert list((tmp_path / "renders").iterdir()) == []
    with pytest.raises(RuntimeError), scratch_dir(tmp_path, "tts") as work:
        raise RuntimeError("the writer failed")
    assert not work.exists()
