"""One-off bounded search of espeak-ng's controls with the offline recognizer as judge (run once, niced).

The recognizer is CPU-heavy and the machine is shared, so the grid is small:
stage 1, the Northern voice plain and with two female and one male variant, and the Central and Southern
voices plain; stage 2, speed x word gap around the best of stage 1; stage 3, pitch either side of the best.
Only the search half of bench/data/voice_dev.tsv is used; each row appends to bench/data/voice_search.jsonl,
and a row already there is not measured again (the search resumes where it stopped).
"""

from __future__ import annotations

import json
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

OUT = Path(__file__).resolve().parent / "data" / "voice_search.jsonl"
TOOLS = Tools()


def pooled_cer(spec: VoiceSpec, sentences: list[voice_set.Sentence], tmp: Path) -> float:
    """Character errors over reference characters, pooled across sentences (long ones weigh more)."""
    errors = chars = 0.0
    for s in sentences:
        segments = [(seg.text, seg.pause_ms) for seg in split_for_speech(normalize(s.written).spoken)]
        render = render_speech(segments, [spec], tmp, tools=TOOLS)
        length = len(speech_check.comparable(s.spoken))
        errors += speech_check.cer(s.spoken, speech_check.transcribe(render.path, tools=TOOLS)) * length
        chars += length
    return errors / chars


def evaluate(stage: str, voice: str, options: dict, sentences, tmp: Path, seen: dict) -> float:
    """Score one setting once (cached in seen) and append it to the results file."""
    key = json.dumps([voice, options], sort_keys=True)
    if key not in seen:
        seen[key] = pooled_cer(VoiceSpec.of("espeak", voice, **options), sentences, tmp)
        with OUT.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"stage": stage, "voice": voice, **options, "cer": round(seen[key], 4)}) + "\n")
        print(stage, voice, options, round(seen[key], 4), flush=True)
    return seen[key]


def main() -> None:
    sentences = voice_set.search_half()
    seen: dict[str, float] = {}
    if OUT.exists():
        for line in OUT.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            voice, cer = row.pop("voice"), row.pop("cer")
            row.pop("stage")
            seen[json.dumps([voice, row], sort_keys=True)] = cer
    with tempfile.TemporaryDirectory(prefix="voice-search-") as tmp_name:
        tmp = Path(tmp_name)
        base = {"speed": 145, "word_gap": 1, "pitch": 50}
        grid1 = [("vi", ""), ("vi", "f2"), ("vi", "f3"), ("vi", "m3"), ("vi-vn-x-central", ""), ("vi-vn-x-south", "")]
        stage1 = {(v, var): evaluate("1", v, {**base, "variant": var}, sentences, tmp, seen) for v, var in grid1}
        voice, variant = min(stage1, key=stage1.get)
        stage2 = {(sp, gap): evaluate("2", voice, {**base, "variant": variant, "speed": sp, "word_gap": gap}, sentences, tmp, seen)
                  for sp in (125, 145, 165) for gap in (1, 5)}
        speed, gap = min(stage2, key=stage2.get)
        for pitch in (35, 65):
            evaluate("3", voice, {"speed": speed, "word_gap": gap, "pitch": pitch, "variant": variant}, sentences, tmp, seen)


if __name__ == "__main__":
    main()
