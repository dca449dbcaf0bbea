"""Station signature chimes and a soft music bed, synthesised from sine tones (nothing downloaded)."""
from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from audio import ffmpeg
from audio.errors import AudioError
from audio.format import SAMPLE_RATE
from audio.loudness import LoudnessTarget, Measured, finish
from audio.tools import Tools

# Notes of the Vietnamese five-tone scale (ngũ cung: C D F G A) and a few octaves, in Hz.
_HZ = {
    "C4": 261.63, "D4": 293.66, "F4": 349.23, "G4": 392.00, "A4": 440.00,
    "C5": 523.25, "D5": 587.33, "F5": 698.46, "G5": 783.99, "A5": 880.00, "C6": 1046.50,
}
# (note, start second, relative level) per chime; a bell-like decay makes the notes ring together.
_CHIMES: dict[str, list[tuple[str, float, float]]] = {
    "open": [("C5", 0.0, 0.8), ("D5", 0.3, 0.7), ("F5", 0.6, 0.7), ("G5", 0.9, 0.8), ("A5", 1.2, 0.7),
             ("C6", 1.6, 0.6), ("G5", 1.6, 0.5), ("C5", 1.6, 0.5)],
    "close": [("C6", 0.0, 0.6), ("A5", 0.3, 0.7), ("G5", 0.6, 0.7), ("F5", 0.9, 0.7), ("D5", 1.2, 0.7),
              ("C5", 1.6, 0.8), ("G4", 1.6, 0.5), ("C4", 1.6, 0.6)],
    "separator": [("G5", 0.0, 0.7), ("C6", 0.35, 0.6), ("C5", 0.35, 0.4)],
}
_CHIME_SECONDS = {"open": 5.0, "close": 5.5, "separator": 3.0}
# A music bed sits under speech level so it reads as background, not as programme.
FILLER_BELOW_LU = 6.0


def _bell(hz: float, start: float, level: float, decay: float = 1.6) -> str:
    """aevalsrc term for one bell-like note: 10 ms attack, exponential decay, two soft overtones."""
    t = f"(t-{start})"
    tone = f"(sin(2*PI*{hz}*{t})+0.3*sin(4*PI*{hz}*{t})+0.08*sin(6*PI*{hz}*{t}))"
    return f"{level}*gte(t,{start})*min(1,{t}*100)*exp(-{decay}*{t})*{tone}"


def _synth(expr: str, seconds: float, out: Path, tools: Tools) -> None:
    """Render an aevalsrc expression to a float WAV (float so summed notes never clip before finishing)."""
    samples = round(seconds * SAMPLE_RATE)
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='{expr}':s={SAMPLE_RATE}:c=mono:d={seconds}",
                "-af", f"atrim=end_sample={samples}", "-c:a", "pcm_f32le", "-f", "wav", "-y", str(out)],
               tools=tools, timeout=60.0 + seconds)


def generate_chime(out: Path, kind: str = "open", target: LoudnessTarget = LoudnessTarget(), *, tools: Tools) -> Measured:
    """Write a 3-8 s signature chime ('open', 'close' or 'separator') as a finished canonical WAV."""
    if kind not in _CHIMES:
        raise AudioError(f"Không có loại nhạc hiệu '{kind}': hãy chọn open, close hoặc separator.")
    expr = "+".join(_bell(_HZ[note], start, level) for note, start, level in _CHIMES[kind])
    with tempfile.TemporaryDirectory(prefix="loaxa-chime-") as work:
        raw = Path(work) / "chime.wav"
        _synth(expr, _CHIME_SECONDS[kind], raw, tools)
        return finish(raw, Path(out), target, tools=tools)


# The bed repeats every _LOOP_S seconds: every sine is tuned to a whole number of cycles in it,
# so one short loop rendered once can be repeated seamlessly for any gap length.
_LOOP_S = 16


def _looped(hz: float) -> float:
    """hz rounded to a whole number of cycles per loop (at most 1/32 Hz off: inaudible)."""
    return round(hz * _LOOP_S) / _LOOP_S


def _pad(notes: tuple[str, ...]) -> str:
    """aevalsrc term for a chord of plain sines."""
    return "+".join(f"sin(2*PI*{_looped(_HZ[n])}*t)" for n in notes)


def generate_filler(out: Path, seconds: float, target: LoudnessTarget = LoudnessTarget(), *, tools: Tools) -> Measured:
    """Write exactly `seconds` of a soft sine-pad music bed (two chords swaying) to fill a gap."""
    if not 1.0 <= seconds <= 3 * 3600:
        raise AudioError(f"Độ dài nhạc nền {seconds} giây không hợp lệ: hãy dùng từ 1 giây đến 3 giờ.")
    chord_i = ("C4", "F4", "G4", "C5")  # open fifths and fourths: consonant, no third to tire of
    chord_iv = ("F4", "A4", "C5", "F5")
    # Raised-cosine weights cross-fade the two chords once per loop without any phase jump (no clicks).
    sway = f"(0.5-0.5*cos(2*PI*t/{_LOOP_S}))"
    tremolo = f"(0.85+0.15*sin(2*PI*{4 / _LOOP_S}*t))"
    expr = f"0.2*{tremolo}*((1-{sway})*({_pad(chord_i)})+{sway}*({_pad(chord_iv)}))"
    samples = round(seconds * SAMPLE_RATE)
    fade = min(2.0, seconds / 3)
    bed = dataclasses.replace(target, i=target.i - FILLER_BELOW_LU)
    with tempfile.TemporaryDirectory(prefix="loaxa-filler-") as work:
        loop, raw = Path(work) / "loop.wav", Path(work) / "filler.wav"
        _synth(expr, _LOOP_S, loop, tools)
        ffmpeg.run(["-stream_loop", "-1", "-i", str(loop), "-af",
                    f"atrim=end_sample={samples},afade=t=in:d={fade},afade=t=out:st={seconds - fade}:d={fade}",
                    "-c:a", "pcm_f32le", "-f", "wav", "-y", str(raw)], tools=tools, timeout=60.0 + seconds / 10)
        return finish(raw, Path(out), bed, trim=False, tools=tools)
