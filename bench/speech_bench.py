"""Listening check on the held-out half of the hand-written set: our chain vs bare espeak-ng (raw and hand-verbalized)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio import speech_check  # noqa: E402
from audio.render import render_speech  # noqa: E402
from audio.tools import Tools  # noqa: E402
from audio.tts.base import VoiceSpec  # noqa: E402
from scripts_vi.normalize import normalize  # noqa: E402
from scripts_vi.segment import split_for_speech  # noqa: E402
import voice_set  # noqa: E402

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def _bare(text: str, out: Path) -> Path:
    """espeak-ng with its own defaults, as someone without loaxa would run it."""
    subprocess.run([TOOLS.path("espeak"), "-v", "vi", "-w", str(out), text], check=True, capture_output=True)
    return out


def run(quick: bool) -> dict:
    """Pooled CER against the hand-written spoken reference: loaxa's default chain, bare espeak-ng on raw and on verbalized text."""
    if not speech_check.available():
        return {"_skipped": "viet-asr not installed (optional extra speech-check)"}
    sentences = voice_set.held_out_half()[: 2 if quick else None]
    ours, raw, verbalized = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp_name:
        tmp = Path(tmp_name)
        for n, s in enumerate(sentences):
            segments = [(seg.text, seg.pause_ms) for seg in split_for_speech(normalize(s.written).spoken)]
            render = render_speech(segments, [VoiceSpec("espeak", "vi")], tmp, tools=TOOLS)
            ours.append((s.spoken, speech_check.transcribe(render.path, tools=TOOLS)))
            raw.append((s.spoken, speech_check.transcribe(_bare(s.written, tmp / f"raw{n}.wav"), tools=TOOLS)))
            verbalized.append((s.spoken, speech_check.transcribe(_bare(s.spoken, tmp / f"verb{n}.wav"), tools=TOOLS)))
    prefix = f"speech_{len(sentences)}_" if quick else "speech_"  # a quick run is named for its size
    return {
        f"{prefix}cer_espeak": speech_check.pooled_cer(ours),
        f"{prefix}cer_espeak_raw": speech_check.pooled_cer(raw),
        f"{prefix}cer_espeak_bare_verbalized": speech_check.pooled_cer(verbalized),
        "speech_sentences": len(sentences),
    }
