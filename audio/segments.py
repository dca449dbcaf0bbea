"""Join raw engine outputs (any format) into one take with exact pauses between segments."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from audio import ffmpeg
from audio.format import FILTER_INPUT, SAMPLE_RATE
from audio.tools import Tools

# Engines add their own silence around each sentence; trimming it makes pause_ms the real gap.
_TRIM_DB = -50
_KEEP_BEFORE_S = 0.03
_KEEP_AFTER_S = 0.10


def join_segments(parts: Sequence[tuple[Path, int]], out: Path, *, tools: Tools) -> None:
    """Write parts, each edge-trimmed and followed by pause_ms of silence, as one float WAV."""
    inputs: list[str] = []
    chains: list[str] = []
    for n, (path, pause_ms) in enumerate(parts):
        inputs += ["-i", str(path)]
        trim = f"silenceremove=start_periods=1:start_threshold={_TRIM_DB}dB:start_silence={{keep}}"
        # areverse is safe here: a segment is one sentence, a few seconds of audio at most.
        chains.append(
            f"[{n}:a]{FILTER_INPUT},{trim.format(keep=_KEEP_BEFORE_S)},areverse,"
            f"{trim.format(keep=_KEEP_AFTER_S)},areverse,"
            f"apad=pad_len={round(max(0, pause_ms) * SAMPLE_RATE / 1000)}[s{n}]"
        )
    labels = "".join(f"[s{n}]" for n in range(len(parts)))
    graph = ";".join(chains) + f";{labels}concat=n={len(parts)}:v=0:a=1[out]"
    timeout = 60.0 + 10.0 * len(parts)
    ffmpeg.run([*inputs, "-filter_complex", graph, "-map", "[out]", "-c:a", "pcm_f32le", "-f", "wav", "-y", str(out)],
               tools=tools, timeout=timeout)
