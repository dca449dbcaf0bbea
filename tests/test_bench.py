"""The benchmark runner still runs end to end on tiny sizes (the figures' sanity is asserted, never their speed)."""

import json
import struct
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from bench import analysis, sink_probe, web_bench

ROOT = Path(__file__).resolve().parents[1]


def _header(*chunks: tuple[bytes, bytes]) -> bytes:
    """RIFF/WAVE bytes from (id, body) chunks, each padded to an even size as RIFF wants."""
    body = b"".join(cid + struct.pack("<I", len(data)) + data + b"\0" * (len(data) % 2) for cid, data in chunks)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


FMT = (b"fmt ", struct.pack("<HHIIHH", 1, 1, 48000, 96000, 2, 16))


@pytest.mark.parametrize(("head", "offset"), [
    (_header(FMT, (b"data", b"")), 44),  # the plain 44-byte header
    (_header(FMT, (b"LIST", b"x" * 25), (b"data", b"")), 78),  # 12 + 24 + (8 + 25 + 1 pad) + 8
    (_header(FMT, (b"data", b""))[:40], None),  # the data chunk's header has not arrived yet
    (b"RIFF", None),
])
def test_sink_probe_finds_the_samples_after_any_chunks(head: bytes, offset: int | None):
    assert sink_probe.data_offset(head) == offset


def test_sink_probe_rejects_what_is_not_a_wav():
    with pytest.raises(ValueError):
        sink_probe.data_offset(b"ID3\x04" + b"\0" * 20)


@pytest.mark.parametrize(("samples", "index"), [
    ([0, 10, -400, 500], 2),  # |-400| reaches the 328 threshold first
    ([0, 327, -327, 0], None),  # just under 1 % of full scale everywhere
    ([328], 0),
    ([], None),
])
def test_sink_probe_first_loud_sample(samples: list[int], index: int | None):
    assert sink_probe.first_loud(struct.pack(f"<{len(samples)}h", *samples), 328) == index


def test_sink_probe_follows_a_file_arriving_byte_by_byte():
    wav = _header(FMT, (b"LIST", b"abc"), (b"data", b"")) + struct.pack("<5h", 0, 3, -2, 1000, 0)
    follower = sink_probe.WavFollower(328)
    seen = [follower.feed(wav[n:n + 1]) for n in range(len(wav))]
    completes = len(wav) - 3  # the second byte of sample 3 (1000); sample 4 takes the last two bytes
    assert seen[:completes] == [None] * completes
    assert seen[completes] == 3


# Figures of a made-up run; the expected sentences below are worked out by hand from them.
RUN = {
    "machine_load_start": 4.4, "machine_load_end": 12.0, "cpu_count": 2, "playout_planned_per_kind": 50,
    "playout_raw_ms_p50": 20.0, "playout_raw_ms_p95": 45.0, "playout_raw_ms_max": 60.0, "playout_offset_ms_p50": -3.5, "playout_offset_ms_min": -30.0,
    "playout_offset_ms_max": 25.0, "playout_offset_abs_ms_p95": 24.0, "apscheduler_ffmpeg_ms_p50": 400.0,
    "apscheduler_ffmpeg_ms_p95": 520.0, "playout_lead_ms_p50": 21.0, "playout_logged_offset_ms_p50": -3.0,
    "tts_rtf_espeak": 0.0105, "tts_rtf_espeak_bare": 0.01, "tts_rtf_espeak_audio_s": 1621.0, "tts_rtf_espeak_bare_audio_s": 1621.0,
    "tts_espeak_wpm": 145, "tts_espeak_word_gap_ms": 10,
    "assemble_30min_s": 0.5, "pydub_s": 3.0, "assemble_30min_rss_mb": 66.0, "pydub_rss_mb": 350.0, "minutes": 30.0,
}


def test_analysis_is_written_from_the_run_figures():
    text = analysis.render(RUN, {"playout_offset_abs_ms_p95": 20.0}, ["playout_offset_abs_ms_p95"])
    assert "the load average was 4.4 when it started and 12 when it ended, on\n2 CPUs" in text
    assert "Figures that miss their aim in this run: `playout_offset_abs_ms_p95` (24 against 20)." in text
    assert "p50 20 ms, p95\n  45 ms" in text and "p50 400 ms, p95 520 ms, 20 times the" in text  # 400 / 20
    assert "ffmpeg's own start-up" in text  # 400 ms is more than twice 20 ms
    assert "median 21 ms" in text and "p50 -3.5 ms, from -30 ms to 25 ms" in text and "missing its aim of 20 ms" in text
    # Both tails pass the 20 ms aim: 30 ms early, 25 ms late.
    assert ("The miss is in the tails: early by up to 30 ms when the chain was quicker\n  than the lead, late by up to 25 ms as the raw"
            " latency's own\n  tail (p95 45 ms, latest 60 ms); a lead") in text
    assert "the as-run log stored -3 ms" in text
    assert "(145 words per minute, 10 ms between" in text and "takes 1.05 times as long, no overhead" in text  # 0.0105 / 0.01
    # 30 min x 60 s x 48000 x 2 bytes = 164.8 MiB decoded; 350 MB is 2.124 times that; 0.5 s / 3 s = 0.167.
    assert "The sample copy is faster (0.167 times pydub's time)" in text and "uses 0.189 times its memory" in text
    assert "2.124 times the decoded\nprogramme (164.8 MiB): the parts, and their join beside them" in text
    assert "### Panel pages" not in text  # no web figures in this run: the section is left out
    assert "{{" not in text and "{%" not in text


def _round(static: float, log: float, schedule: float) -> dict[str, dict[str, float]]:
    """One round's wrk figures: the p99s given, p50 a tenth of each, rps 1000 over each p99."""
    return {name: {"p99": p99, "p50": p99 / 10, "rps": 1000 / p99} for name, p99 in (("static", static), ("log", log), ("schedule", schedule))}


@pytest.mark.parametrize(("rounds", "p99s", "ratios"), [
    ([_round(10, 15, 12)], {"static": 10, "log": 15, "schedule": 12}, [1.5]),  # one round: its own figures
    # The worse page decides each round's ratio; a page's median is over the rounds (the middle two of four, averaged).
    ([_round(10, 15, 12), _round(20, 18, 30), _round(10, 11, 14), _round(40, 50, 20)],
     {"static": 15, "log": 16.5, "schedule": 17}, [1.5, 1.5, 1.4, 1.25]),
    ([_round(4, 6, 6), _round(8, 10, 9), _round(6, 21, 6)], {"static": 6, "log": 10, "schedule": 6}, [1.5, 1.25, 3.5]),
])
def test_web_rounds_summary(rounds, p99s, ratios):
    medians, per_round = web_bench.summarize(rounds)
    assert {name: figures["p99"] for name, figures in medians.items()} == pytest.approx(p99s)
    assert per_round == pytest.approx(ratios)
    assert medians["static"]["p50"] == pytest.approx(p99s["static"] / 10)  # each figure is its own median


WEB = {"web_clients": 50, "web_p99_ms": 120.0, "static_p99_ms": 80.0, "web_rps": 400.0, "web_rounds": 4, "web_p99_ratio_best_round": 1.25,
       "web_p99_ratio_worst_round": 2.1, "web_cpu_ms_log": 0.75, "web_cpu_ms_schedule": 0.7, "web_cpu_ms_static": 0.45}


def test_analysis_of_the_panel_pages_quotes_the_rounds():
    text = analysis.render(WEB, {}, [])
    assert "p99 is 120 ms, against 80 ms\nfor a static file from the same server in the same run (1.5 times)." in text  # 120 / 80
    assert "Each p99 is the median of 4 rounds" in text and "one round\nalone gave a ratio from 1.25 to 2.1." in text
    assert "A page costs 0.75 ms of CPU (log, 50 rows) and 0.7 ms" in text and "against 0.45 ms for the static file" in text
    assert "at 400 pages/s wait 125 ms on average" in text  # 50 / 400 s
    one_round = analysis.render({**WEB, "web_rounds": 1}, {}, [])
    assert "Each p99 is the median" not in one_round and "### Panel pages under load" in one_round


def test_analysis_leaves_out_what_a_run_did_not_measure():
    text = analysis.render({}, {}, [])
    assert text.startswith("## What the figures say") and "###" not in text and "load average" not in text


def test_analysis_refuses_a_figure_the_run_did_not_measure():
    with pytest.raises(jinja2.UndefinedError):
        analysis.render({}, {}, [], template="{{ v.playout_raw_ms_p50 }}")


# A minute of 48 kHz 16-bit mono is 5.76 MB: 30 minutes decoded into memory is at least 172.8 MB = 164.8 MiB.
PROGRAMME_30MIN_MIB = 30 * 60 * 48000 * 2 / 2**20


def _quick_run(tmp_path: Path, groups: str) -> tuple[dict, str]:
    """bench/run.py --quick over some groups: its figures and the page it wrote."""
    out = tmp_path / "benchmarks.md"
    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--only", groups, "--json", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not any(str(v).startswith("failed") for v in figures["_notes"].values()), figures["_notes"]
    return figures, out.read_text(encoding="utf-8")


# Every group but playout: no real-time part, so it runs beside other tests (no timing is asserted).
TIMING_FREE_GROUPS = "normalize,tts,render,assemble,plan,report,web,speech,province,stations,media"


@pytest.mark.timeout(900)  # ten groups of real work: minutes on a busy machine
def test_bench_quick_names_what_it_measures_and_its_figures_are_sane(tmp_path: Path):
    figures, page = _quick_run(tmp_path, TIMING_FREE_GROUPS)
    for key in ("normalize_chars_per_s", "tts_rtf_espeak", "tts_rtf_espeak_bare", "render_2_scripts_cold_s", "render_2_scripts_warm_s",
                "loudnorm_1min_peak_rss_mb", "render_peak_rss_mb", "plan_month_commune_s", "plan_month_20_communes_s",
                "report_7d_build_report_s", "province_5x30_db_mb", "overview_50_ms", "overview_loop_50_ms"):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    # A smaller measure never wears a headline name.
    for headline in ("render_pool_cold_s", "loudnorm_peak_rss_mb", "plan_month_province_s", "report_build_report_s", "overview_ms",
                     "speech_cer_espeak", "log_export_year_p99_ms"):
        assert headline not in figures, headline
    assert figures["render_2_scripts_scripts"] == 2 and figures["render_2_scripts_warm_s"] < figures["render_2_scripts_cold_s"]
    assert 0 < figures["tts_rtf_espeak"] < 1 and 0 < figures["tts_rtf_espeak_bare"] < 1
    # Like for like: bare espeak-ng speaks at the engine's settings, so the same texts give the same audio.
    assert abs(figures["tts_rtf_espeak_audio_s"] - figures["tts_rtf_espeak_bare_audio_s"]) <= 0.01 * figures["tts_rtf_espeak_audio_s"]
    # Assembly runs at full size even when quick; both methods produce the whole 30 minutes.
    assert figures["minutes"] == 30 and figures["parts"] == 60
    assert figures["output_s"] == pytest.approx(1800, abs=0.1) and figures["pydub_output_s"] == pytest.approx(1800, abs=0.1)
    assert figures["pydub_rss_mb"] > PROGRAMME_30MIN_MIB > figures["assemble_30min_rss_mb"] > 0
    assert figures["assemble_30min_s"] > 0 and figures["pydub_s"] > 0
    # The media library's import of a quick 1-minute MP3, named for its size, beside preparing it as a recording.
    assert figures["media_import_1min_s"] > 0 and figures["recording_prepare_1min_s"] > 0 and "media_import_10min_s" not in figures
    assert abs(figures["media_import_1min_lufs"] + 16) <= 1 and figures["media_import_1min_tp"] <= -1.5
    # The panel under load (wrk against `loaxa web`) and the listening check, on their small sizes.
    assert figures["web_rps"] > 0 and figures["static_rps"] > 0 and 0 < figures["web_p50_ms"] <= figures["web_p99_ms"]
    assert figures["web_rounds"] == 1 and figures["web_p99_ratio"] > 0  # the rounds' arithmetic: test_web_rounds_summary
    assert figures["log_export_7d_rps"] > 0 and figures["web_log_rows"] == 7 * 2 * 6
    # Read raw, the written digits and abbreviations cost bare espeak-ng more errors than the chain makes after
    # normalizing them (0.66 against 0.52 on these two sentences; both are deterministic).
    assert figures["speech_sentences"] == 2 and 0 <= figures["speech_2_cer_espeak"] < figures["speech_2_cer_espeak_raw"] < 1
    assert not any(key.startswith("playout_") for key in figures), "playout was not asked for"
    assert "| `assemble_30min_s` |" in page and "(pydub_s)" in page
    # The analysis quotes this run's own figures.
    assert f"assembles 30 minutes in {analysis.fmt(figures['assemble_30min_s'])} s" in page


# Real-time playout of 9 short broadcasts and 12 live talks; the figures' sanity, not their speed, is asserted (bounds of
# seconds), so it runs beside the other real-time tests: the published latencies come from a full run on a quiet machine.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_bench_quick_playout_and_live_measure_first_audio_at_the_sink(tmp_path: Path):
    figures, page = _quick_run(tmp_path, "playout,live")
    # Playout: first audio at the sink for every broadcast of each kind; released on the instant (raw) it cannot be early.
    assert figures["playout_planned_per_kind"] >= 3 and figures["playout_missed"] == 0
    for kind in ("raw", "compensated", "baseline"):
        assert figures[f"playout_{kind}_seen"] == figures["playout_planned_per_kind"], kind
    assert 0 < figures["playout_raw_ms_min"] <= figures["playout_raw_ms_p50"] <= figures["playout_raw_ms_max"] < 2000
    assert 0 < figures["apscheduler_ffmpeg_ms_min"] <= figures["apscheduler_ffmpeg_ms_max"] < 5000
    assert -500 < figures["playout_offset_ms_min"] <= figures["playout_offset_ms_p50"] <= figures["playout_offset_ms_max"] < 2000
    assert "| `playout_raw_ms_p50` |" in page and "assemble_30min_s" not in {k for k in figures}
    # Live: a known sound from capture to its first sample at the sink, beside a plain ffmpeg pipe of the same input.
    assert figures["live_runs"] >= 3
    assert 0 < figures["live_latency_ms_p50"] <= figures["live_latency_ms_p95"] < 5000
    assert 0 < figures["live_http_latency_ms_p50"] <= figures["live_http_latency_ms_p95"] < 5000
    assert 0 < figures["live_browser_latency_ms_p50"] <= figures["live_browser_latency_ms_p95"] < 5000  # from the page in Chromium
    assert 0 < figures["live_pipe_ms_p50"] <= figures["live_pipe_ms_p95"] < 5000
    fmt = analysis.fmt
    assert f"no lead): p50 {fmt(figures['playout_raw_ms_p50'])} ms" in page
    assert f"same kind of file: p50 {fmt(figures['apscheduler_ffmpeg_ms_p50'])} ms" in page


def test_bench_refuses_an_unknown_group_and_a_partial_run_over_the_page():
    unknown = subprocess.run([sys.executable, "bench/run.py", "--only", "nope"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert unknown.returncode == 2 and "unknown group nope" in unknown.stderr
    partial = subprocess.run([sys.executable, "bench/run.py", "--only", "normalize"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert partial.returncode == 2 and "would replace the whole docs/benchmarks.md" in partial.stderr
