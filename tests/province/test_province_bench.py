"""The province benchmark loads real, chained rows and reports consistent counts (not a timing test)."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def _bench():
    spec = importlib.util.spec_from_file_location("province_bench", Path(__file__).resolve().parents[2] / "bench" / "province_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_province_counts_and_labelled_extrapolation():
    figures = _bench().measure(communes=2, days=3)
    assert figures["stations_rows"] == 2
    assert figures["broadcasts_rows"] == 2 * 3 * 2
    assert figures["items_rows"] == figures["log_rows_rows"] == 2 * 3 * 2 * 6
    assert figures["province_log_export_rows"] == figures["log_rows_rows"]  # the 3 days are all inside the campaign
    assert figures["db_mb"] > 0 and figures["commune_report_s"] > 0
    assert figures["extrapolated_500x365_log_rows_rows"] == 500 * 365 * 2 * 6
