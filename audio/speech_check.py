"""An automatic listening check: transcribe a render offline (viet-asr) and compare it with what it should say."""

from __future__ import annotations

import atexit
import difflib
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audio import ffmpeg
from audio.errors import AudioError
from audio.tools import Tools
from audio.tts.base import without_phonemes

_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)


def available() -> bool:
    """Whether the optional recognizer is installed."""
    try:
        import vietasr  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _pipeline():  # type: ignore[no-untyped-def]
    try:
        from vietasr import Pipeline
    except ImportError:
        raise AudioError("Chưa cài bộ nhận dạng giọng nói viet-asr: hãy chạy `.venv/bin/pip install 'loaxa[speech-check]'`.") from None
    pipeline = Pipeline.preset("transcribe")
    # Free the native model before interpreter teardown, when its library is half gone.
    atexit.register(pipeline.close)
    return pipeline


def comparable(text: str) -> str:
    """Lower-case NFC words without punctuation, single-spaced (how both sides are compared)."""
    text = unicodedata.normalize("NFC", without_phonemes(text)).lower()  # phoneme spans are no words to hear
    return " ".join(_NON_WORD.sub(" ", text).split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length (both made comparable)."""
    ref, hyp = comparable(reference), comparable(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, rc in enumerate(ref, 1):
        current = [i]
        for j, hc in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (rc != hc)))
        previous = current
    return previous[-1] / len(ref)


def pooled_cer(pairs: list[tuple[str, str]]) -> float:
    """Character errors over reference characters across (reference, heard) pairs: long sentences weigh more."""
    lengths = [len(comparable(ref)) for ref, _ in pairs]
    total = sum(lengths)
    return sum(cer(ref, heard) * n for (ref, heard), n in zip(pairs, lengths)) / total if total else 0.0


def misheard_words(reference: str, hypothesis: str) -> list[str]:
    """Reference words the recognizer did not hear as written, in order."""
    ref, hyp = comparable(reference).split(), comparable(hypothesis).split()
    missed: list[str] = []
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False).get_opcodes():
        if tag != "equal":
            missed.extend(ref[i1:i2])
    return missed


RATE = 16000
FRAME = RATE // 50  # 20 ms
MAX_CHUNK_S = 8.0  # the recognizer loses most words on long files: feed it sentence-sized pieces


def _samples(path: Path, tools: Tools):  # type: ignore[no-untyped-def]
    """The file as 16 kHz mono int16 samples."""
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="loaxa-asr-") as tmp:
        raw = Path(tmp) / "16k.raw"
        ffmpeg.run(["-y", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "s16le", str(raw)], tools=tools)
        return np.fromfile(raw, dtype=np.int16)


def chunks(samples):  # type: ignore[no-untyped-def]
    """Split speech at its quietest 20 ms frames so no piece is longer than MAX_CHUNK_S."""
    import numpy as np

    frames = len(samples) // FRAME
    if frames == 0:
        return [samples] if len(samples) else []
    energy = np.sqrt(np.mean(samples[: frames * FRAME].astype(np.float64).reshape(frames, FRAME) ** 2, axis=1))
    limit = int(MAX_CHUNK_S * 50)
    pieces, start = [], 0
    while frames - start > limit:
        window = energy[start + limit // 2 : start + limit]
        cut = start + limit // 2 + int(np.argmin(window))
        pieces.append(samples[start * FRAME : cut * FRAME])
        start = cut
    pieces.append(samples[start * FRAME :])
    return pieces


def transcribe(path: Path, *, tools: Tools) -> str:
    """What the offline recognizer hears in an audio file, piece by piece."""
    pipeline = _pipeline()
    heard = [pipeline.transcribe(piece, float(RATE)).text for piece in chunks(_samples(path, tools)) if len(piece) > FRAME * 5]
    return " ".join(text.strip() for text in heard if text.strip())


@dataclass(frozen=True)
class SpeechCheck:
    """The verdict on one render."""

    heard: str
    cer: float
    misheard: list[str]
    flagged: bool


def check(path: Path, spoken: str, threshold: float, *, tools: Tools) -> SpeechCheck:
    """Transcribe a render and flag it when a listener would likely mishear it."""
    heard = transcribe(path, tools=tools)
    rate = cer(spoken, heard)
    return SpeechCheck(heard, rate, misheard_words(spoken, heard), rate > threshold)
