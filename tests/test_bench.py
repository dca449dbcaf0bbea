"""The benchmark runner still runs end to end on tiny sizes (no timing is asserted)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_quick_produces_every_available_figure(tmp_path: Path):
    out = tmp_path / "benchmarks.md"
    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--json", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("normalize_chars_per_s", "tts_rtf_espeak", "tts_rtf_espeak_bare", "render_pool_cold_s", "render_pool_warm_s",
                "assemble_30min_s", "assemble_30min_rss_mb", "pydub_s", "pydub_rss_mb"):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    # Like for like: bare espeak-ng speaks at the engine's settings, so the same texts give the same audio.
    assert abs(figures["tts_rtf_espeak_audio_s"] - figures["tts_rtf_espeak_bare_audio_s"]) <= 0.01 * figures["tts_rtf_espeak_audio_s"]
    assert not any(str(v).startswith("failed") for v in figures["_notes"].values()), figures["_notes"]
    page = out.read_text(encoding="utf-8")
    assert "| `assemble_30min_s` |" in page and "pydub_s" in page
