"""The normalizer benchmark runs on any seed folder."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "normalize_bench.py"


def test_measure_reports_throughput(tmp_path):
    (tmp_path / "plan.md").write_text("Ngày 15/11/2024, UBND xã họp lúc 7h30.\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("normalize_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure(repeat=3, seed_dir=tmp_path)
    assert set(result) == {"normalize_chars_per_s"}
    assert result["normalize_chars_per_s"] > 0
