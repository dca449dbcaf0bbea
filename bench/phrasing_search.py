"""One-off measurement of espeak-ng phrasing (audio/tts/phrasing.py) with the offline recognizer as judge (run niced).

Each setting speaks the sentences through loaxa's own chain (normalizer, segments and pauses, espeak-ng, loudness),
as a station would air them. Stage 1 scores a handful of settings on the search half of bench/data/voice_dev.tsv;
stage 2 scores the current default and the best of stage 1 on the held-out half. `names` scores a pause before names
on bench/data/voice_names.tsv (the development set has no names): the default, then two lengths. Each row appends to
bench/data/phrasing_search.jsonl, and a row already there is not measured again (the run resumes where it stopped).
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
from scripts_vi.segment import PAUSE_SENTENCE_MS, split_for_speech  # noqa: E402
import voice_set  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "phrasing_search.jsonl"
TOOLS = Tools()
# Breath before a number (ms), numbers at 80 % of the speed, and both: a handful, not a grid. "_segments": "sentence"
# speaks each sentence in one espeak-ng call (it pauses at commas itself) instead of one call per clause.
STAGE1 = [{}, {"number_break": 200}, {"number_rate": 80}, {"number_break": 200, "number_rate": 80},
          {"_segments": "sentence"}, {"number_rate": 90}]
NAMES = [{}, {"name_break": 150}, {"name_break": 300}]


def sentence_segments(segments: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Segments joined up to each sentence end (a pause of PAUSE_SENTENCE_MS or more)."""
    joined: list[tuple[str, int]] = []
    pending: list[str] = []
    for text, pause in segments:
        pending.append(text)
        if pause >= PAUSE_SENTENCE_MS:
            joined.append((" ".join(pending), pause))
            pending = []
    if pending:
        joined.append((" ".join(pending), segments[-1][1]))
    return joined


def pooled_cer(options: dict, sentences: list[voice_set.Sentence], tmp: Path) -> tuple[float, float]:
    """Pooled CER of the chain with these espeak options, and the seconds of audio it rendered."""
    pairs, seconds = [], 0.0
    espeak = {k: v for k, v in options.items() if not k.startswith("_")}
    for s in sentences:
        segments = [(seg.text, seg.pause_ms) for seg in split_for_speech(normalize(s.written).spoken)]
        if options.get("_segments") == "sentence":
            segments = sentence_segments(segments)
        render = render_speech(segments, [VoiceSpec.of("espeak", "vi", **espeak)], tmp, tools=TOOLS)
        pairs.append((s.spoken, speech_check.transcribe(render.path, tools=TOOLS)))
        seconds += render.duration_s
    return speech_check.pooled_cer(pairs), seconds


def evaluate(half: str, options: dict, seen: dict) -> float:
    """Score one setting on one half once (cached in seen) and append it to the results file."""
    key = json.dumps([half, options], sort_keys=True)
    if key not in seen:
        sentences = {"search": voice_set.search_half, "held": voice_set.held_out_half,
                     "names": lambda: voice_set.load(voice_set.NAMES)}[half]()
        with tempfile.TemporaryDirectory(prefix="phrasing-") as tmp:
            cer, seconds = pooled_cer(options, sentences, Path(tmp))
        seen[key] = cer
        with OUT.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"half": half, "options": options, "cer": round(cer, 4),
                                  "audio_s": round(seconds, 1)}) + "\n")
        print(half, options, round(cer, 4), round(seconds, 1), flush=True)
    return seen[key]


def main() -> None:
    seen: dict[str, float] = {}
    if OUT.exists():
        for line in OUT.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            seen[json.dumps([row["half"], row["options"]], sort_keys=True)] = row["cer"]
    if sys.argv[1:] == ["names"]:
        for options in NAMES:
            evaluate("names", options, seen)
        return
    scores = [(evaluate("search", options, seen), n) for n, options in enumerate(STAGE1)]
    best = STAGE1[min(scores)[1]]
    evaluate("held", {}, seen)
    if best:
        evaluate("held", best, seen)


if __name__ == "__main__":
    main()
