"""The one broadcast audio format every asset uses: WAV PCM s16le, 48 kHz, mono."""
from __future__ import annotations

SAMPLE_RATE = 48000
CHANNELS = 1
CODEC = "pcm_s16le"
CONTAINER = "wav"
# Bump when processing changes so cached renders made the old way are not reused.
FORMAT_VERSION = 1

# ffmpeg output options producing the canonical format; bitexact keeps renders reproducible.
OUTPUT_ARGS: tuple[str, ...] = (
    "-ar", str(SAMPLE_RATE), "-ac", str(CHANNELS), "-c:a", CODEC,
    "-map_metadata", "-1", "-bitexact", "-rf64", "auto", "-f", CONTAINER,
)

# aformat stage that converts any decoded audio to float, 48 kHz, mono for filtering.
FILTER_INPUT = f"aformat=sample_fmts=flt:sample_rates={SAMPLE_RATE}:channel_layouts=mono"


def describe() -> str:
    """Human description of the canonical format, for error messages."""
    return "WAV PCM 16 bit, 48 kHz, mono"
