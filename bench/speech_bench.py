"""Listening check: viet-asr's character error rate on loaxa renders vs bare espeak-ng reading the raw text."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audio import speech_check  # noqa: E402
from audio.render import render_speech  # noqa: E402
from audio.tools import Tools  # noqa: E402
from audio.tts.base import VoiceSpec  # noqa: E402
from scripts_vi.normalize import normalize  # noqa: E402

# Radio-style sentences with the dates, numbers and abbreviations commune texts are full of.
SENTENCES = [
    "Ngày 15/11/2024, UBND xã Cẩm Tân tổ chức Lễ phát động Tháng hành động vì bình đẳng giới.",
    "Thực hiện Kế hoạch số 3175/UBND-LĐTBXH ngày 23/10/2024 của UBND huyện Cẩm Thủy.",
    "Tháng hành động được thực hiện từ ngày 15/11/2024 đến ngày 15/12/2024.",
    "Trẻ em cần giúp đỡ hãy gọi Tổng đài quốc gia bảo vệ trẻ em số 111.",
    "Hội LHPN xã phối hợp với MTTQ và các thôn tổ chức tuyên truyền.",
    "Đề án kiểm soát mất cân bằng giới tính khi sinh giai đoạn 2021-2025.",
]
TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def run(quick: bool) -> dict:
    """Mean CER of our renders (normalized text) and of bare espeak-ng on the raw text, both against the spoken form."""
    if not speech_check.available():
        return {"_skipped": "viet-asr not installed (optional extra speech-check)"}
    sentences = SENTENCES[:2] if quick else SENTENCES
    ours, raw = [], []
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as tmp:
        for n, text in enumerate(sentences):
            spoken = normalize(text).spoken
            render = render_speech(spoken, [VoiceSpec("espeak", "vi")], Path(tmp), tools=TOOLS)
            ours.append(speech_check.cer(spoken, speech_check.transcribe(render.path, tools=TOOLS)))
            bare = Path(tmp) / f"bare{n}.wav"
            subprocess.run([TOOLS.path("espeak"), "-v", "vi", "-w", str(bare), text], check=True, capture_output=True)
            raw.append(speech_check.cer(spoken, speech_check.transcribe(bare, tools=TOOLS)))
    return {"speech_cer_espeak": sum(ours) / len(ours), "speech_cer_espeak_raw": sum(raw) / len(raw), "speech_sentences": len(sentences)}
