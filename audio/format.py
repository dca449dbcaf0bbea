"""The one broadcast audio format every asset uses: WAV PCM s16le, 48 kHz, mono."""
from __future__ import annotations

import wave
from pathlib import Path

SAMPLE_RATE = 48000
CHANNELS = 1
SAMPLE_WIDTH = 2  # bytes: 16 bit
CODEC = "pcm_s16le"
CONTAINER = "wav"
# Bump when processing changes so cached renders made the old way are not reused.
FORMAT_VERSION = 1

# ffmpeg output options writing the canonical container; bitexact keeps renders reproducible.
ENCODE_ARGS: tuple[str, ...] = ("-c:a", CODEC, "-map_metadata", "-1", "-bitexact", "-rf64", "auto", "-f", CONTAINER)
# The same with the sample rate and channel conversion, for simple (-af / lavfi) commands.
OUTPUT_ARGS: tuple[str, ...] = ("-ar", str(SAMPLE_RATE), "-ac", str(CHANNELS), *ENCODE_ARGS)

# aformat stage that converts any decoded audio to float, 48 kHz, mono for filtering.
FILTER_INPUT = f"aformat=sample_fmts=flt:sample_rates={SAMPLE_RATE}:channel_layouts=mono"
# Last stage of a -filter_complex graph: what gets written (-ar/-ac there upset re-negotiation).
FILTER_OUTPUT = f"aformat=sample_fmts=s16:sample_rates={SAMPLE_RATE}:channel_layouts=mono"


def describe() -> str:
    """Human description of the canonical format, for error messages."""
    return "WAV PCM 16 bit, 48 kHz, mono"


def wav_info(path: Path) -> tuple[int, int, int, int] | None:
    """(channels, sample width, rate, frames) from a PCM WAV header, None if not a plain PCM WAV."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
    except (wave.Error, EOFError, OSError):
        return None


def is_canonical_wav(path: Path) -> bool:
    """Whether path is a PCM s16le, 48 kHz, mono WAV (read from the header, no subprocess)."""
    info = wav_info(path)
    return info is not None and info[:3] == (CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE)


def wav_duration(path: Path) -> float | None:
    """Duration of a PCM WAV from its header, None when it is not one."""
    info = wav_info(path)
    return None if info is None or info[2] == 0 else info[3] / info[2]
