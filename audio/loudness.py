"""EBU R128 loudness: measure, normalise, and finish any audio into the canonical format."""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from audio import ffmpeg
from audio.atomic import scratch_dir
from audio.errors import AudioError, BadAudio, ToolFailed
from audio.format import ENCODE_ARGS, FILTER_INPUT, FILTER_OUTPUT, SAMPLE_RATE
from audio.tools import Tools

# Quieter than this (LUFS) is treated as silence or noise only: gaining it up would air hiss.
SILENT_LUFS = -60.0
# Tolerance for "on target": tighter than the ±1 LU EBU R128 allows, so tests have margin.
TOLERANCE_LU = 0.5
# Margins kept around the speech when trimming, so soft onsets and decays are not clipped.
KEEP_BEFORE_S = 0.03
KEEP_AFTER_S = 0.10
FADE_IN_S = 0.02
FADE_OUT_S = 0.05
# The first pass runs before the length is known; decoding even hours of audio takes far less.
ANALYZE_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class LoudnessTarget:
    """Station loudness target: integrated LUFS, true peak dBTP, loudness range LU."""

    i: float = -16.0
    tp: float = -1.5
    lra: float = 11.0

    def __post_init__(self) -> None:
        """Reject targets loudnorm cannot reach."""
        if not (-70.0 <= self.i <= -5.0 and -9.0 <= self.tp <= 0.0 and 1.0 <= self.lra <= 50.0):
            raise AudioError(
                f"Mức âm lượng chuẩn không hợp lệ (I={self.i}, TP={self.tp}, LRA={self.lra}): "
                "hãy dùng I từ -70 đến -5 LUFS, TP từ -9 đến 0 dBTP và LRA từ 1 đến 50 LU."
            )


@dataclass(frozen=True)
class Loudness:
    """A measurement: integrated LUFS, true peak dBTP, loudness range LU, gating threshold."""

    i: float
    tp: float
    lra: float
    thresh: float


@dataclass(frozen=True)
class Measured:
    """What finish() produced: duration and the measured loudness of the written file."""

    duration_s: float
    lufs: float
    true_peak: float
    method: str = ""  # "linear" (loudnorm gain only) or "limited" (gain + true-peak limiter)


@dataclass(frozen=True)
class _Analysis:
    """One decoding pass over a source: length, loudness and where the sound starts and ends."""

    samples: int
    loudness: Loudness
    sound_start: int
    sound_end: int


def _num(pattern: str, text: str) -> float:
    """First float captured by pattern in text; -inf when ffmpeg printed -inf or nothing."""
    m = re.search(pattern, text)
    if m is None:
        return -math.inf
    try:
        return float(m.group(1))
    except ValueError:
        return -math.inf


def _parse_ebur128(stderr: str) -> Loudness:
    """Loudness from the Summary block that ebur128 prints when it closes."""
    at = stderr.rfind("Summary:")
    if at < 0:
        raise BadAudio("Không đo được độ lớn âm thanh của tệp: hãy kiểm tra tệp còn nguyên vẹn.")
    s = stderr[at:]
    return Loudness(
        i=_num(r"I:\s+(\S+) LUFS", s),
        tp=_num(r"True peak:\s+Peak:\s+(\S+) dBFS", s),
        lra=max(0.0, _num(r"LRA:\s+(\S+) LU", s)),
        thresh=_num(r"Integrated loudness:\s+I:.*?\n\s+Threshold:\s+(\S+) LUFS", s),
    )


# ebur128 needs 400 ms blocks; trailing padding lets very short clips be measured (gating ignores it).
_MEASURE = "apad=pad_dur=0.5,ebur128=peak=true:framelog=40"


def _measure(path: Path, tools: Tools, timeout: float = ffmpeg.DEFAULT_TIMEOUT) -> Loudness:
    """ebur128 measurement of a file already known to be audio."""
    proc = ffmpeg.run(["-nostats", "-i", str(path), "-vn", "-af", f"{FILTER_INPUT},{_MEASURE}", "-f", "null", "-"],
                      tools=tools, timeout=timeout)
    return _parse_ebur128(proc.stderr)


def measure(path: Path, *, tools: Tools) -> Loudness:
    """Measure integrated loudness, true peak, LRA and threshold (EBU R128, ffmpeg ebur128)."""
    info = ffmpeg.probe(path, tools=tools)
    return _measure(path, tools, 60.0 + info.duration_s)


def _analyze(src: Path, silence_db: float, timeout: float, tools: Tools) -> _Analysis:
    """Decode src once: sample count (astats), silences (silencedetect) and loudness (ebur128)."""
    af = (
        f"{FILTER_INPUT},astats=measure_perchannel=none:measure_overall=Number_of_samples,"
        f"silencedetect=n={silence_db}dB:d=0.15,{_MEASURE}"
    )
    proc = ffmpeg.run(["-nostats", "-i", str(src), "-vn", "-af", af, "-f", "null", "-"], tools=tools, timeout=timeout)
    err = proc.stderr
    samples = int(_num(r"Number of samples:\s+(\d+)", err)) if "Number of samples" in err else 0
    loud = _parse_ebur128(err)
    starts = [float(x) for x in re.findall(r"silence_start:\s*(-?[\d.]+)", err)]
    ends = [float(x) for x in re.findall(r"silence_end:\s*(-?[\d.]+)", err)]
    duration = samples / SAMPLE_RATE
    sound_start, sound_end = 0.0, duration
    edge = 0.01
    if starts and starts[0] <= edge:
        sound_start = ends[0] if ends else duration
    if starts and (len(ends) < len(starts) or ends[-1] >= duration - edge):
        sound_end = starts[-1]
    if sound_end <= sound_start:
        sound_start, sound_end = 0.0, 0.0
    return _Analysis(
        samples=samples,
        loudness=loud,
        sound_start=round(sound_start * SAMPLE_RATE),
        sound_end=round(sound_end * SAMPLE_RATE),
    )


def _check_not_silent(src: Path, a: _Analysis) -> None:
    """Raise BadAudio when the source holds nothing worth airing."""
    if a.samples == 0:
        raise BadAudio(f"Tệp '{src.name}' không có mẫu âm thanh nào: hãy ghi âm hoặc xuất lại tệp.")
    if a.sound_end <= a.sound_start or not a.loudness.i > SILENT_LUFS:
        raise BadAudio(
            f"Tệp '{src.name}' chỉ có im lặng hoặc tiếng ồn rất nhỏ: "
            "hãy kiểm tra micro và ghi âm lại."
        )


def _loudnorm_stage(loud: Loudness, target: LoudnessTarget) -> str:
    """Second loudnorm pass with the first pass's measurements, linear (gain only) mode."""
    # Padding works around loudnorm mis-measuring inputs shorter than its 3 s window.
    return (
        "apad=pad_dur=3,"
        f"loudnorm=I={target.i}:TP={target.tp}:LRA={target.lra}:"
        f"measured_I={loud.i:.2f}:measured_TP={loud.tp:.2f}:measured_LRA={loud.lra:.2f}:"
        f"measured_thresh={loud.thresh:.2f}:offset=0:linear=true:print_format=json,"
        f"{FILTER_INPUT}"
    )


def _limiter_stage(gain_db: float, ceiling_db: float) -> str:
    """Gain then a true-peak limiter (4x oversampled), for peaky speech loudnorm cannot gain linearly."""
    limit = min(1.0, max(0.0625, 10 ** (ceiling_db / 20)))
    return (
        f"apad=pad_dur=0.1,volume={gain_db:.3f}dB,aresample={SAMPLE_RATE * 4},"
        f"alimiter=limit={limit:.5f}:attack=2:release=50:level=false:latency=true,"
        f"{FILTER_INPUT}"
    )


def _render(src: Path, dst: Path, start: int, end: int, stage: str, fades: bool,
            timeout: float, tools: Tools) -> tuple[str, Loudness]:
    """Cut [start, end) samples, apply the gain stage and fades, write canonical WAV, measure it."""
    # Measuring the written 16-bit samples in the same pass (asplit into ebur128) saves a
    # decode and an ffmpeg start per attempt.
    n = end - start
    parts = [FILTER_INPUT, f"atrim=start_sample={start}:end_sample={end}", "asetpts=PTS-STARTPTS", stage,
             f"atrim=end_sample={n}"]
    if fades:
        dur = n / SAMPLE_RATE
        fin, fout = min(FADE_IN_S, dur / 4), min(FADE_OUT_S, dur / 4)
        parts += [f"afade=t=in:d={fin:.4f}", f"afade=t=out:st={dur - fout:.4f}:d={fout:.4f}"]
    graph = f"[0:a]{','.join(parts)},{FILTER_OUTPUT},asplit=2[out][m];[m]{_MEASURE},anullsink"
    proc = ffmpeg.run(["-nostats", "-i", str(src), "-filter_complex", graph, "-map", "[out]", *ENCODE_ARGS,
                       "-y", str(dst)], tools=tools, timeout=timeout)
    return proc.stderr, _parse_ebur128(proc.stderr)


def _loudnorm_type(stderr: str) -> str:
    """normalization_type that loudnorm reported ('linear' or 'dynamic'), '' if absent."""
    at = stderr.rfind("{")
    try:
        return str(json.loads(stderr[at:stderr.rindex("}") + 1]).get("normalization_type", ""))
    except (ValueError, AttributeError):
        return ""


def _ok(m: Loudness, target: LoudnessTarget) -> bool:
    """Whether a measurement is on target and under the true-peak ceiling."""
    return abs(m.i - target.i) <= TOLERANCE_LU and m.tp <= target.tp


def _process(src: Path, dst: Path, target: LoudnessTarget, *, trim: bool, fades: bool,
             silence_db: float, tools: Tools) -> Measured:
    """Shared body of finish() and normalize()."""
    src = Path(src)
    if not src.is_file():
        ffmpeg.probe(src, tools=tools)  # raises the clear "file not found" BadAudio
    try:
        a = _analyze(src, silence_db, ANALYZE_TIMEOUT_S, tools)
    except ToolFailed:
        ffmpeg.probe(src, tools=tools)  # a file that is not audio gets the clear BadAudio sentence
        raise
    _check_not_silent(src, a)
    timeout = 60.0 + a.samples / SAMPLE_RATE
    start, end = 0, a.samples
    if trim:
        start = max(0, a.sound_start - round(KEEP_BEFORE_S * SAMPLE_RATE))
        end = min(a.samples, a.sound_end + round(KEEP_AFTER_S * SAMPLE_RATE))
    loud, duration = a.loudness, (end - start) / SAMPLE_RATE
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # Attempts live in a hidden folder beside dst so the winner is moved in by os.replace.
    with scratch_dir(dst.parent, dst.name) as work:
        chosen, m = _reach_target(src, work, start, end, loud, target, fades, timeout, tools)
        os.replace(chosen, dst)
    return Measured(duration, m.i, m.tp, "linear" if chosen.name == "linear.wav" else "limited")


def _reach_target(src: Path, work: Path, start: int, end: int, loud: Loudness, target: LoudnessTarget,
                  fades: bool, timeout: float, tools: Tools) -> tuple[Path, Loudness]:
    """Render attempts into work until one is on target; return the best file and its loudness."""
    gain = target.i - loud.i
    # Linear gain is exact and keeps the dynamics; loudnorm allows it only if peaks stay under TP.
    if loud.tp + gain <= target.tp - 0.1:
        out = work / "linear.wav"
        err, m = _render(src, out, start, end, _loudnorm_stage(loud, target), fades, timeout, tools)
        if _ok(m, target) and _loudnorm_type(err) == "linear":
            return out, m
    # loudnorm's dynamic mode undershoots on peaky TTS (-16.8 for -16) and on clips < 3 s,
    # so gain up and true-peak limit instead, correcting the gain from what we measure.
    ceiling = target.tp - 0.3
    best: tuple[float, Path, Loudness] | None = None
    for attempt in range(4):
        out = work / f"limited{attempt}.wav"
        _, m = _render(src, out, start, end, _limiter_stage(gain, ceiling), fades, timeout, tools)
        if m.tp <= target.tp and (best is None or abs(m.i - target.i) < best[0]):
            best = (abs(m.i - target.i), out, m)
        if _ok(m, target):
            break
        gain += target.i - m.i
        if m.tp > target.tp:
            ceiling -= m.tp - target.tp + 0.1
    if best is None:
        raise BadAudio(f"Không đưa được tệp '{src.name}' về mức đỉnh {target.tp} dBTP: hãy kiểm tra tệp nguồn.")
    return best[1], best[2]


def finish(src: Path, dst: Path, target: LoudnessTarget = LoudnessTarget(), *, trim: bool = True,
           silence_db: float = -50.0, tools: Tools) -> Measured:
    """Trim edge silence, normalise to target, add short fades, write canonical WAV atomically."""
    return _process(src, dst, target, trim=trim, fades=True, silence_db=silence_db, tools=tools)


def normalize(src: Path, dst: Path, target: LoudnessTarget = LoudnessTarget(), *, tools: Tools) -> Measured:
    """Two-pass loudness normalisation to target without trimming, written as canonical WAV."""
    return _process(src, dst, target, trim=False, fades=False, silence_db=-50.0, tools=tools)
