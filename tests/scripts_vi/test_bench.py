"""The normalizer benchmark runs on any seed folder."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "normalize_bench.py"


def test_measure_reports_throughput(tmp_path):
    (tmp_path / "plan.md").write_text("Ngày 15/11/2024, UBND xã họp lúc 7h30.\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("normalize_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure(repeat=3, seed_dir=tmp_path)
    assert set(result) == {"normalize_chars_per_s"}
    assert result["normalize_chars_per_s"] > 0


@pytest.mark.slow  # three LibreOffice runs make its files
def test_import_bench_reports_both_figures_with_baselines(tmp_path):
    (tmp_path / "plan.md").write_text(
        "# Kế hoạch\nNgày 15/11/2024, UBND xã họp lúc 7h30 tại hội trường.\nKính thưa bà con nhân dân, "
        "Đài truyền thanh xã thông báo lịch tiêm chủng cho trẻ em trong tháng này.\n", encoding="utf-8")
    import sys

    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("import_bench", BENCH.parent / "import_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure(pages=1, files=7, seed_dir=tmp_path)
    assert result["import_pdf_pages"] == 1 and result["import_folder_files"] == 7
    for key in ("import_pdf_50p_s", "pdftotext_50p_s", "import_files_per_s", "read_txt_files_per_s", "import_files_per_s_without_doc"):
        assert result[key] > 0, key
