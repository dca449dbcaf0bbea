"""One runner for every benchmark figure, each beside its baseline from the same run.

python bench/run.py [--quick] [--only GROUP,...] [--json] [--no-write] [--out FILE] [--from-json FIGURES.json]
Writes docs/benchmarks.md (unless --no-write), its analysis filled from the same run's figures (bench/analysis.md);
--json prints one object keyed by figure name, which --from-json turns into the page again without measuring.
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
from typing import Callable, Sequence

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import analysis  # noqa: E402


@dataclass(frozen=True)
class Figure:
    """How one figure is reported: its baseline key, the aim, and whether lower is better."""

    key: str
    what: str
    baseline: str | None = None
    aim: float | None = None
    lower_is_better: bool = True
    unit: str = ""


FIGURES = [
    Figure("normalize_chars_per_s", "normalizer throughput on the seed plan, repeated", lower_is_better=False, unit="chars/s"),
    Figure("tts_rtf_espeak", "espeak-ng engine s / audio s, demo pool spoken form; baseline: bare espeak-ng at the engine's rate, gap, pitch and amplitude",
           "tts_rtf_espeak_bare", unit="×"),
    Figure("tts_rtf_piper", "Piper render s / audio s (English voice shipped on PyPI)", unit="×"),
    Figure("render_peak_rss_mb", "peak memory of rendering one script (Python or child)", unit="MB"),
    Figure("loudnorm_peak_rss_mb", "peak memory of loudness-normalizing 30 minutes", unit="MB"),
    Figure("render_pool_cold_s", "render the demo pool, empty cache", unit="s"),
    Figure("render_pool_warm_s", "render the demo pool, full cache", aim=1.0, unit="s"),
    Figure("assemble_30min_s", "assemble a 30-minute broadcast (samples copied under one header); baseline: pydub, decode all, one join, one export",
           "pydub_s", unit="s"),
    Figure("assemble_30min_rss_mb", "peak memory of that assembly", "pydub_rss_mb", aim=100.0, unit="MB"),
    Figure("plan_month_commune_s", "plan the campaign month for one commune", unit="s"),
    Figure("plan_month_province_s", "plan a month for 500 communes × 8 zones", unit="s"),
    # Playout: planned start -> first non-silent sample landing in the air-check file (WAV), seen by a separate
    # process; baseline: a plain APScheduler job starting `ffmpeg -re` on the same clip into the same kind of file.
    Figure("playout_raw_ms_p50", "planned start → first audio in the air-check file, released on the instant (no lead), p50",
           "apscheduler_ffmpeg_ms_p50", unit="ms"),
    Figure("playout_raw_ms_p95", "the same, no lead, p95", "apscheduler_ffmpeg_ms_p95", unit="ms"),
    # Live: a known sound entering `ffmpeg -re` capture -> its first sample in the output WAV (bench/live_bench.py);
    # baseline: the same capture piped straight into one ffmpeg with the same input flags.
    Figure("live_latency_ms_p50", "live talk, sound in → first sample out through spool and player, p50", "live_pipe_ms_p50", unit="ms"),
    Figure("live_latency_ms_p95", "the same, p95 (aim: 1,000 ms with the browser's 250 ms pieces on top)", "live_pipe_ms_p95", aim=750.0, unit="ms"),
    Figure("live_http_latency_ms_p50", "live talk as the page sends it: Opus/WebM in 250 ms pieces POSTed to the panel over HTTP, "
           "then spool and player, p50", "live_pipe_ms_p50", unit="ms"),
    Figure("live_http_latency_ms_p95", "the same, p95 (the browser's own capture delay not included)", "live_pipe_ms_p95", aim=1000.0, unit="ms"),
    Figure("live_browser_latency_ms_p50", "live talk from the panel's page in Chromium: a tone into the page's microphone (WebAudio) → "
           "MediaRecorder's Opus pieces, the page's sending, spool and player → first sample out, p50", "live_pipe_ms_p50", unit="ms"),
    Figure("live_browser_latency_ms_p95", "the same, p95 (only a sound card's input delay is outside it)", "live_pipe_ms_p95", aim=1000.0, unit="ms"),
    Figure("playout_raw_ms_max", "the same, no lead, latest", "apscheduler_ffmpeg_ms_max", unit="ms"),
    Figure("playout_offset_ms_p50", "the same, released early by the learned lead (compensated), p50; negative = early",
           "apscheduler_ffmpeg_ms_p50", unit="ms"),
    Figure("playout_offset_abs_ms_p95", "the same, compensated, absolute offset p95", "apscheduler_ffmpeg_ms_p95", aim=20.0, unit="ms"),
    Figure("playout_offset_ms_min", "the same, compensated, earliest", "apscheduler_ffmpeg_ms_min", unit="ms"),
    Figure("playout_offset_ms_max", "the same, compensated, latest", "apscheduler_ffmpeg_ms_max", unit="ms"),
    Figure("web_p99_ratio", "worse of the log and schedule pages' p99 / a static file's p99, same clients (web_clients: 50 in a full run; gunicorn); "
           "each p99 the median of web_rounds rounds that measure all three back to back", aim=2.0, unit="×"),
    Figure("web_p99_ratio_1worker", "the same ratio with one waitress process (a commune's default)", aim=2.0, unit="×"),
    Figure("web_p99_ms", "log and schedule pages, web_clients concurrent clients, p99 (gunicorn, 2 workers per core)", "static_p99_ms", unit="ms"),
    Figure("web_rps", "log and schedule pages, requests per second (gunicorn, 2 workers per core)", "static_rps", lower_is_better=False, unit="req/s"),
    Figure("web_p99_ms_1worker", "the same pages, one waitress process (a commune's default), p99", "static_p99_ms_1worker", unit="ms"),
    Figure("web_rps_1worker", "the same pages, one waitress process, requests per second", "static_rps_1worker", lower_is_better=False, unit="req/s"),
    Figure("web_cpu_ms_log", "CPU per log page (50 rows of a year's log), in process", "web_cpu_ms_static", aim=2.0, unit="ms"),
    Figure("web_cpu_ms_schedule", "CPU per schedule page (a month), in process", "web_cpu_ms_static", unit="ms"),
    Figure("receiver_reports_per_s", "receiver reports accepted per second by one waitress panel, 8 clients, into the database playout logs to",
           lower_is_better=False, unit="reports/s"),
    Figure("playout_offset_abs_ms_p95_under_reports", "playout compensated offset p95 while that report storm runs; baseline: the same run just before without it",
           "playout_offset_abs_ms_p95_quiet", aim=20.0, unit="ms"),
    Figure("overview_ms", "province status page rows for 500 communes", "overview_loop_ms", unit="ms"),
    Figure("media_import_10min_s", "import a 10-minute MP3 into the media library (checks, decode pass, normalize, keep original); "
           "baseline: the same file prepared as a recording (probe, normalize)", "recording_prepare_10min_s", unit="s"),
    Figure("media_import_10min_cpu_s", "CPU seconds of the ffmpeg/ffprobe children of that import; baseline: of preparing it as a recording",
           "recording_prepare_10min_cpu_s", unit="s"),
    Figure("import_files_per_s", "import a folder of 100 mixed files (.txt in UTF-8/TCVN3/VNI, .docx, .docx in .VnTime, .pdf, .doc); "
           "baseline: a plain UTF-8 read of 100 .txt files of the same texts", "read_txt_files_per_s", lower_is_better=False, unit="files/s"),
    Figure("import_files_per_s_without_doc", "the same folder less its .doc files (no LibreOffice start)", "read_txt_files_per_s",
           lower_is_better=False, unit="files/s"),
    Figure("import_pdf_50p_s", "import a 50-page PDF of the plan (pdfinfo, pdftotext -bbox-layout, reflow); baseline: plain pdftotext -layout",
           "pdftotext_50p_s", unit="s"),
    Figure("speech_cer_espeak", "viet-asr pooled character error rate, held-out half of bench/data/voice_dev.tsv, default chain; "
           "baseline: bare espeak-ng -v vi on the hand-verbalized text", "speech_cer_espeak_bare_verbalized", aim=0.45, unit=""),
    Figure("speech_cer_espeak_raw", "the same sentences, bare espeak-ng -v vi on the raw written text", unit=""),
]


def _normalize(quick: bool) -> dict:
    import normalize_bench

    return normalize_bench.measure(repeat=3 if quick else 20)


def _tts(quick: bool) -> dict:
    import audio_bench
    import render_bench

    texts = render_bench.pool_spoken(1 if quick else None)  # a real-time factor: one script of the pool is enough to see it
    return audio_bench.tts_rtf_espeak(texts, repeats=1 if quick else 3)


# Quick runs keep a headline key only where they measure it at full size; a smaller measure is named for its
# size (render_2_scripts_cold_s, loudnorm_1min_peak_rss_mb, plan_month_20_communes_s, report_7d_*, ...).


def _render(quick: bool) -> dict:
    import render_bench

    figures = render_bench.render_pool(2 if quick else None)
    figures.update(render_bench.memory(minutes=1.0 if quick else 30.0))
    figures.update(render_bench.tts_rtf_piper())
    return figures


def _assemble(quick: bool) -> dict:
    import audio_bench

    # Full size even when quick: a few seconds, and it is a headline figure.
    with tempfile.TemporaryDirectory(prefix="bench-asm-") as tmp:
        return audio_bench.assemble_30min(Path(tmp), 1.0)


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

    prefix = "report_7d_" if quick else "report_"  # a year's log (report_days) unless named
    return {f"{prefix}{k}": v for k, v in report_bench.measure(days=7 if quick else 365).items()}


def _province(quick: bool) -> dict:
    import province_bench

    # 50 communes x a year keeps the runner in minutes; the module labels its linear extrapolation to 500.
    figures = province_bench.measure(5, 30) if quick else province_bench.measure(50, 365)
    named = {k if k.startswith(("province", "extrapolated")) else f"province_{k}": v for k, v in figures.items()}
    if quick:
        named = {k.replace("province_", "province_5x30_", 1): v for k, v in named.items()}
    return named


GROUPS: list[tuple[str, Callable[[bool], dict]]] = [
    ("normalize", _normalize),
    ("tts", _tts),
    ("render", _render),
    ("assemble", _assemble),
    ("plan", _plan),
    ("report", _report),
    ("playout", _optional("playout_bench", "run")),
    ("receivers", _optional("receivers_bench", "run")),
    ("live", _optional("live_bench", "run")),
    ("web", _optional("web_bench", "run")),
    ("speech", _optional("speech_bench", "run")),
    ("media", _optional("media_bench", "run")),
    ("province", _province),
    ("stations", _optional("stations_bench", "run")),
    ("import", _optional("import_bench", "run")),
]


def measure(quick: bool, only: Sequence[str] = ()) -> tuple[dict, dict]:
    """Run every group (or the named ones); returns (figures, notes) where notes say why a group gave nothing."""
    # The machine's load beside the figures: on a shared machine it is what moves absolute times.
    figures: dict = {"machine_load_start": round(os.getloadavg()[0], 2)}
    notes: dict = {}
    run_started = time.perf_counter()
    for name, group in GROUPS:
        if only and name not in only:
            continue
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
    figures["machine_load_end"] = round(os.getloadavg()[0], 2)
    figures["run_minutes"] = round((time.perf_counter() - run_started) / 60, 1)
    figures["cpu_count"] = os.cpu_count() or 0
    return figures, notes


def missed(figures: dict) -> list[str]:
    """Keys of the figures that have an aim and miss it in this run."""
    out = []
    for fig in FIGURES:
        value = figures.get(fig.key)
        if fig.aim is not None and isinstance(value, (int, float)):
            if not (value <= fig.aim if fig.lower_is_better else value >= fig.aim):
                out.append(fig.key)
    return out


def markdown(figures: dict, notes: dict, quick: bool, measured_at: str) -> str:
    """The benchmarks page: one row per figure with its baseline and their ratio, then the analysis of these figures."""
    fmt = analysis.fmt
    context = ""
    if "machine_load_start" in figures and "machine_load_end" in figures:
        context = (f" The machine was shared with other work during the run (load average {fmt(figures['machine_load_start'])} at the "
                   f"start, {fmt(figures['machine_load_end'])} at the end).")
    if "run_minutes" in figures:
        context += f" The run took {fmt(figures['run_minutes'])} minutes."
    lines = [
        "# Benchmarks", "",
        f"Measured {measured_at} on {figures.get('cpu_count', os.cpu_count())} CPUs ({platform.machine()}, Python {platform.python_version()})"
        + (" — quick run, small sizes" if quick else "") + f". Produced by `python bench/run.py`.{context} "
        "Absolute times are noisy on a shared machine; the ratio to the baseline measured in the same run is what holds.", "",
        "| figure | what | value | baseline | value / baseline | aim | met |", "|---|---|---|---|---|---|---|",
    ]
    misses = missed(figures)
    for fig in FIGURES:
        value = figures.get(fig.key)
        base = figures.get(fig.baseline) if fig.baseline else None
        ratio = value / base if isinstance(value, (int, float)) and isinstance(base, (int, float)) and base else None
        met = "—"
        if fig.aim is not None and isinstance(value, (int, float)):
            met = "**no**" if fig.key in misses else "yes"
        baseline = f"{fmt(base)} ({fig.baseline})" if fig.baseline else "—"
        lines.append(f"| `{fig.key}` | {fig.what} | {fmt(value)} {fig.unit} | {baseline} | {fmt(ratio)} | {fmt(fig.aim)} | {met} |")
    if notes:
        lines += ["", "Not measured in this run:", ""] + [f"- {k}: {v}" for k, v in notes.items()]
    extra = sorted(k for k in figures if k not in {f.key for f in FIGURES} | {f.baseline for f in FIGURES})
    if extra:
        lines += ["", "Other figures from the same run: " + ", ".join(f"`{k}` = {fmt(figures[k])}" for k in extra) + "."]
    aims = {f.key: f.aim for f in FIGURES if f.aim is not None}
    lines += ["", analysis.render(figures, aims, misses).rstrip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Measure (or read a run's figures back), print JSON if asked, and write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes; smaller measures are named for their size")
    parser.add_argument("--json", action="store_true", help="print one JSON object of figures")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--from-json", type=Path, help="write the page from the figures a --json run printed, measuring nothing")
    parser.add_argument("--only", default="", metavar="GROUP,...", help="run only these groups (" + ", ".join(n for n, _ in GROUPS) + ")")
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name]
    unknown = sorted(set(only) - {n for n, _ in GROUPS})
    if unknown:
        parser.error(f"unknown group {', '.join(unknown)}: use {', '.join(n for n, _ in GROUPS)}")
    if only and not args.no_write and args.out == parser.get_default("out"):
        parser.error("a run of some groups only would replace the whole docs/benchmarks.md: add --no-write or --out FILE")
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        notes = saved.pop("_notes", {})
        quick = bool(saved.pop("_quick", False))
        measured_at = saved.pop("_measured_at")
        figures = saved
    else:
        quick = args.quick
        figures, notes = measure(quick, only)
        measured_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if args.json:
        print(json.dumps({**figures, "_notes": notes, "_quick": quick, "_measured_at": measured_at}, ensure_ascii=False))
    if not args.no_write:
        args.out.write_text(markdown(figures, notes, quick, measured_at), encoding="utf-8")
    return 1 if any(v.startswith("failed") for v in notes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
