"""One runner for every benchmark figure, each beside its baseline from the same run.

python bench/run.py [--quick] [--json] [--no-write]
Writes docs/benchmarks.md (unless --no-write); --json prints one object keyed by figure name.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]


@dataclass(frozen=True)
class Figure:
    """How one figure is reported: its baseline key, the aim, and whether lower is better."""

    key: str
    what: str
    baseline: str | None = None
    aim: float | None = None
    lower_is_better: bool = True
    unit: str = ""


ANALYSIS = BENCH / "analysis.md"

FIGURES = [
    Figure("normalize_chars_per_s", "normalizer throughput on the seed plan, repeated", lower_is_better=False, unit="chars/s"),
    Figure("tts_rtf_espeak", "espeak-ng render s / audio s, demo pool spoken form", "tts_rtf_espeak_bare", unit="×"),
    Figure("tts_rtf_piper", "Piper render s / audio s (English voice shipped on PyPI)", unit="×"),
    Figure("render_peak_rss_mb", "peak memory of rendering one script (Python or child)", unit="MB"),
    Figure("loudnorm_peak_rss_mb", "peak memory of loudness-normalizing 30 minutes", unit="MB"),
    Figure("render_pool_cold_s", "render the demo pool, empty cache", unit="s"),
    Figure("render_pool_warm_s", "render the demo pool, full cache", aim=1.0, unit="s"),
    Figure("assemble_30min_s", "assemble a 30-minute broadcast (stream copy)", "naive_pydub_s", unit="s"),
    Figure("assemble_30min_rss_mb", "peak memory of that assembly", "naive_pydub_rss_mb", aim=100.0, unit="MB"),
    Figure("plan_month_commune_s", "plan the campaign month for one commune", unit="s"),
    Figure("plan_month_province_s", "plan a month for 500 communes × 8 zones", unit="s"),
    Figure("playout_offset_ms_p50", "planned start → first audio out, p50", "apscheduler_fire_delay_ms_p50", unit="ms"),
    Figure("playout_offset_ms_p95", "planned start → first audio out, p95", "apscheduler_fire_delay_ms_p95", aim=20.0, unit="ms"),
    Figure("playout_offset_ms_max", "planned start → first audio out, max", "apscheduler_fire_delay_ms_max", unit="ms"),
    Figure("web_p99_ratio", "worse of the log and schedule pages' p99 / a static file's p99, same 50 clients (gunicorn)", aim=2.0, unit="×"),
    Figure("web_p99_ratio_1worker", "the same ratio with one waitress process (a commune's default)", aim=2.0, unit="×"),
    Figure("web_p99_ms", "log and schedule pages, 50 concurrent clients, p99 (gunicorn, 2 workers per core)", "static_p99_ms", unit="ms"),
    Figure("web_rps", "log and schedule pages, requests per second (gunicorn, 2 workers per core)", "static_rps", lower_is_better=False, unit="req/s"),
    Figure("web_p99_ms_1worker", "the same pages, one waitress process (a commune's default), p99", "static_p99_ms_1worker", unit="ms"),
    Figure("web_rps_1worker", "the same pages, one waitress process, requests per second", "static_rps_1worker", lower_is_better=False, unit="req/s"),
    Figure("web_cpu_ms_log", "CPU per log page (50 rows of a year's log), in process", "web_cpu_ms_static", aim=2.0, unit="ms"),
    Figure("web_cpu_ms_schedule", "CPU per schedule page (a month), in process", "web_cpu_ms_static", unit="ms"),
    Figure("overview_ms", "province status page rows for 500 communes (50 when quick)", "overview_loop_ms", unit="ms"),
    Figure("speech_cer_espeak", "viet-asr character error rate on our renders", "speech_cer_espeak_raw", unit=""),
]


def _normalize(quick: bool) -> dict:
    import normalize_bench

    return normalize_bench.measure(repeat=3 if quick else 20)


def _tts(quick: bool) -> dict:
    import audio_bench
    import render_bench

    texts = render_bench.pool_spoken(2 if quick else None)
    return audio_bench.tts_rtf_espeak(texts, repeats=1 if quick else 3)


def _render(quick: bool) -> dict:
    import render_bench

    figures = render_bench.render_pool(2 if quick else None)
    figures.update(render_bench.memory(minutes=1.0 if quick else 30.0))
    figures.update(render_bench.tts_rtf_piper())
    return figures


def _assemble(quick: bool) -> dict:
    import audio_bench

    with tempfile.TemporaryDirectory(prefix="bench-asm-") as tmp:
        return audio_bench.assemble_30min(Path(tmp), 1 / 30 if quick else 1.0)


def _optional(module: str, function: str) -> Callable[[bool], dict]:
    """A group whose module another part of the project provides; skipped with a note if absent."""

    def run(quick: bool) -> dict:
        try:
            mod = __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            return {"_skipped": f"{module}.py not present yet"}
        return getattr(mod, function)(quick)

    return run


def _plan(quick: bool) -> dict:
    import plan_bench

    figures = plan_bench.pure_figures(communes=20 if quick else 500)
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        figures.update(plan_bench.db_figures(Path(tmp)))
    return figures


def _report(quick: bool) -> dict:
    import report_bench

    return {f"report_{k}": v for k, v in report_bench.measure(days=7 if quick else 365).items()}


def _province(quick: bool) -> dict:
    import province_bench

    # 50 communes x a year keeps the runner in minutes; the module labels its linear extrapolation to 500.
    figures = province_bench.measure(5, 30) if quick else province_bench.measure(50, 365)
    return {k if k.startswith(("province", "extrapolated")) else f"province_{k}": v for k, v in figures.items()}


GROUPS: list[tuple[str, Callable[[bool], dict]]] = [
    ("normalize", _normalize),
    ("tts", _tts),
    ("render", _render),
    ("assemble", _assemble),
    ("plan", _plan),
    ("report", _report),
    ("playout", _optional("playout_bench", "run")),
    ("web", _optional("web_bench", "run")),
    ("speech", _optional("speech_bench", "run")),
    ("province", _province),
    ("stations", _optional("stations_bench", "run")),
]


def measure(quick: bool) -> tuple[dict, dict]:
    """Run every group; returns (figures, notes) where notes say why a group gave nothing."""
    figures: dict = {}
    notes: dict = {}
    for name, group in GROUPS:
        started = time.perf_counter()
        try:
            result = group(quick)
        except Exception as exc:  # noqa: BLE001 - one broken group must not hide the others' figures
            notes[name] = f"failed: {type(exc).__name__}: {exc}"
            traceback.print_exc(file=sys.stderr)
            continue
        skipped = result.pop("_skipped", None)
        if skipped:
            notes[name] = skipped
        figures.update({k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()})
        print(f"[bench] {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return figures, notes


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def markdown(figures: dict, notes: dict, quick: bool) -> str:
    """The benchmarks page: one row per figure with its baseline and their ratio."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks", "",
        f"Measured {now} on {os.cpu_count()} CPUs ({platform.machine()}, Python {platform.python_version()})"
        + (" — quick run, small sizes" if quick else "") + ". Produced by `python bench/run.py`; "
        "absolute times are noisy on shared machines, the ratio to the baseline measured in the same run is what holds.", "",
        "| figure | what | value | baseline | value / baseline | aim | met |", "|---|---|---|---|---|---|---|",
    ]
    for fig in FIGURES:
        value = figures.get(fig.key)
        base = figures.get(fig.baseline) if fig.baseline else None
        ratio = value / base if isinstance(value, (int, float)) and isinstance(base, (int, float)) and base else None
        met = "—"
        if fig.aim is not None and isinstance(value, (int, float)):
            met = "yes" if (value <= fig.aim if fig.lower_is_better else value >= fig.aim) else "**no**"
        baseline = f"{_fmt(base)} ({fig.baseline})" if fig.baseline else "—"
        lines.append(f"| `{fig.key}` | {fig.what} | {_fmt(value)} {fig.unit} | {baseline} | {_fmt(ratio)} | {_fmt(fig.aim)} | {met} |")
    if notes:
        lines += ["", "Not measured in this run:", ""] + [f"- {k}: {v}" for k, v in notes.items()]
    extra = sorted(k for k in figures if k not in {f.key for f in FIGURES} | {f.baseline for f in FIGURES})
    if extra:
        lines += ["", "Other figures from the same run: " + ", ".join(f"`{k}` = {_fmt(figures[k])}" for k in extra) + "."]
    if ANALYSIS.is_file() and not quick:
        # What limits the figures that miss their aim: written by hand from profiles, kept beside the runner.
        lines += ["", ANALYSIS.read_text(encoding="utf-8").rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure, print JSON if asked, and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, under two minutes")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    figures, notes = measure(args.quick)
    if not args.no_write:
        args.out.write_text(markdown(figures, notes, args.quick), encoding="utf-8")
    if args.json:
        print(json.dumps({**figures, "_notes": notes, "cpu_count": os.cpu_count()}, ensure_ascii=False))
    return 1 if any(v.startswith("failed") for v in notes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
