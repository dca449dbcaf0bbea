"""One-off bounded search of espeak-ng's controls with the offline recognizer as judge (run once, niced).

The recognizer is CPU-heavy and the machine is shared (8 sessions on 2 cores), so the grid is small and each
sentence is spoken by espeak-ng in one call, without the chain's loudness stage (it levels every setting alike):
stage 1, the Northern voice plain and with the female variant f3;
stage 2, a slower speed, then a wider word gap, around the better of the two;
stage 3 (a later session, on a quieter machine), every other variant of espeak-ng's own female and male sets, its
Klatt voices and the few named variants with a distinct timbre, at stage 1's settings;
stage 4, the pitch lower and higher around the best variant of all.
(The regional voices are the operator's choice, not the default: not searched.)
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
from audio.tools import Tools  # noqa: E402
from audio.tts.espeak import EspeakEngine  # noqa: E402
from scripts_vi.normalize import normalize  # noqa: E402
import voice_set  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "voice_search.jsonl"
TOOLS = Tools()
# espeak-ng's numbered female and male variants, its Klatt-synthesis voices, and named ones that differ in timbre
# (Nguyen is the one named for Vietnamese; belinda, linda and Annie are female voices unlike f1-f5).
STAGE3_VARIANTS = ("f1", "f2", "f4", "f5", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "klatt", "klatt2", "klatt3", "klatt4",
                   "Nguyen", "belinda", "linda", "Annie")


def pooled_cer(voice: str, options: dict, sentences: list[voice_set.Sentence], tmp: Path) -> float:
    """Character errors over reference characters, pooled across sentences (speech_check.pooled_cer: long ones weigh more)."""
    pairs = []
    for n, s in enumerate(sentences):
        wav = tmp / f"{n}.wav"
        EspeakEngine().synthesize(normalize(s.written).spoken, voice, options, wav, tools=TOOLS)
        pairs.append((s.spoken, speech_check.transcribe(wav, tools=TOOLS)))
    return speech_check.pooled_cer(pairs)


def evaluate(stage: str, voice: str, options: dict, sentences, tmp: Path, seen: dict) -> float:
    """Score one setting once (cached in seen) and append it to the results file."""
    key = json.dumps([voice, options], sort_keys=True)
    if key not in seen:
        seen[key] = pooled_cer(voice, options, sentences, tmp)
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
        grid1 = [("vi", ""), ("vi", "f3")]
        stage1 = {(v, var): evaluate("1", v, {**base, "variant": var}, sentences, tmp, seen) for v, var in grid1}
        voice, variant = min(stage1, key=stage1.get)
        for sp, gap in ((125, 1), (145, 5)):
            evaluate("2", voice, {**base, "variant": variant, "speed": sp, "word_gap": gap}, sentences, tmp, seen)
        stage3 = {var: evaluate("3", voice, {**base, "variant": var}, sentences, tmp, seen) for var in STAGE3_VARIANTS}
        best = min({variant: stage1[(voice, variant)], **stage3}.items(), key=lambda item: item[1])[0]
        for pitch in (30, 70):
            evaluate("4", voice, {**base, "variant": best, "pitch": pitch}, sentences, tmp, seen)


if __name__ == "__main__":
    main()
