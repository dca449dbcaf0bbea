"""espeak-ng engine: offline Vietnamese; the one module that runs espeak-ng."""
from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from audio.errors import BadVoiceOption, EngineUnavailable, SynthesisFailed, ToolMissing, VoiceNotFound
from audio.tools import Tools
from audio.tts.base import TtsEngine
from audio.tts.phrasing import Phrasing, to_ssml

# Defaults tuned with the offline recognizer as judge (bench/voice_search.py, docs/voice.md): the female
# variant f3 was heard far better than the plain male voice (pooled CER 0.47 vs 0.58 on the search half);
# - speed 145 wpm, word gap 1 (10 ms): 125 wpm was no clearer beyond noise (0.459) and would lengthen
#   every render by 16 %; a 50 ms word gap was worse (0.515);
# - pitch 50 (espeak default): the vi voice's tones are tuned around it;
# - amplitude 75 instead of 100: espeak's raw output reaches 0 dBFS at 100, and clipped
#   samples cannot be repaired by the loudness stage, which adds the gain back cleanly.
# - number_break (ms of silence before a spoken number or date) and number_rate (% of speed for it): phrasing
#   (audio/tts/phrasing.py), and name_break (ms before a name); 0 and 100 leave the text unmarked (see
#   docs/voice.md, "Phrasing", for the figures).
DEFAULTS: dict[str, object] = {"speed": 145, "pitch": 50, "word_gap": 1, "amplitude": 75, "variant": "f3",
                               "number_break": 0, "number_rate": 100, "name_break": 0}
_RANGES = {"speed": (80, 450), "pitch": (0, 99), "word_gap": (0, 100), "amplitude": (0, 200),
           "number_break": (0, 1000), "number_rate": (50, 100), "name_break": (0, 1000)}


class EspeakEngine(TtsEngine):
    """Offline speech through the espeak-ng command line program."""

    name = "espeak"
    default_voice = "vi"
    reads_phonemes = True

    def _run(self, tools: Tools, args: list[str], text: str | None = None,
             timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        """Run the espeak-ng of tools; text goes through stdin so long scripts never hit argv limits."""
        try:
            return subprocess.run(
                [tools.path("espeak"), *args], input=text, capture_output=True, text=True,
                encoding="utf-8", errors="replace", timeout=timeout,
            )
        except FileNotFoundError as exc:
            raise ToolMissing("Chưa cài espeak-ng: hãy chạy `make run` hoặc `apt-get install espeak-ng`.") from exc
        except subprocess.TimeoutExpired as exc:
            raise SynthesisFailed(
                f"espeak-ng đọc quá {timeout:.0f} giây nên đã bị dừng: hãy chia văn bản thành đoạn ngắn hơn."
            ) from exc

    def check(self, *, tools: Tools) -> None:
        """espeak-ng must be installed and runnable."""
        try:
            proc = self._run(tools, ["--version"], timeout=10)
        except ToolMissing as exc:
            raise EngineUnavailable(str(exc)) from exc
        if proc.returncode != 0:
            raise EngineUnavailable("espeak-ng không chạy được: hãy cài lại bằng `apt-get install --reinstall espeak-ng`.")

    @functools.lru_cache(maxsize=4)  # noqa: B019 - one engine object per process; an installation's voices do not change
    def _voice_table(self, tools: Tools) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(languages, variants) that the espeak-ng installation of tools knows."""
        langs = self._run(tools, ["--voices"], timeout=10).stdout.splitlines()[1:]
        variants = self._run(tools, ["--voices=variant"], timeout=10).stdout.splitlines()[1:]
        return (
            tuple(line.split()[1] for line in langs if len(line.split()) > 1),
            tuple(m.group(1) for line in variants if (m := re.search(r"!v/(\S+)", line))),
        )

    def voices(self, *, tools: Tools) -> list[str]:
        """Language voices espeak-ng accepts (e.g. vi, vi-vn-x-central, vi-vn-x-south)."""
        return list(self._voice_table(tools)[0])

    def _options(self, options: Mapping[str, object]) -> dict[str, object]:
        """Defaults merged with validated options."""
        unknown = set(options) - set(DEFAULTS)
        if unknown:
            raise BadVoiceOption(
                f"espeak-ng không có tùy chọn {', '.join(sorted(unknown))}: "
                f"hãy chỉ dùng {', '.join(DEFAULTS)}."
            )
        merged = {**DEFAULTS, **options}
        for key, (low, high) in _RANGES.items():
            try:
                value = int(merged[key])  # type: ignore[call-overload]
            except (TypeError, ValueError):
                value = low - 1
            if not low <= value <= high:
                raise BadVoiceOption(
                    f"Tùy chọn espeak-ng {key}={merged[key]!r} không hợp lệ: hãy dùng số nguyên từ {low} đến {high}."
                )
            merged[key] = value
        return merged

    def _voice_arg(self, voice: str, variant: object, tools: Tools) -> str:
        """The -v argument, checking the language and variant exist (espeak ignores bad variants).

        A variant given as an option wins, then one written in the voice ("vi+f2"), then the tuned default.
        """
        lang, _, inline_variant = voice.partition("+")
        variant = str(variant) if variant is not None else (inline_variant or str(DEFAULTS["variant"]))
        langs, variants = self._voice_table(tools)
        if lang.lower() not in {v.lower() for v in langs}:
            raise VoiceNotFound(
                f"espeak-ng không có giọng '{lang}': hãy dùng một giọng trong `espeak-ng --voices`, ví dụ 'vi'."
            )
        if variant and variant not in variants:
            raise VoiceNotFound(
                f"espeak-ng không có biến thể giọng '{variant}': hãy dùng một tên trong `espeak-ng --voices=variant`."
            )
        return f"{lang}+{variant}" if variant else lang

    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        """Write a WAV (22.05 kHz) of text spoken by espeak-ng."""
        opts = self._options(options)
        voice_arg = self._voice_arg(self.resolve_voice(voice), options.get("variant"), tools)
        args = [
            "-v", voice_arg, "-s", str(opts["speed"]), "-p", str(opts["pitch"]), "-g", str(opts["word_gap"]),
            "-a", str(opts["amplitude"]), "-b", "1", "-w", str(out_path), "--stdin",
        ]
        phrasing = Phrasing(int(opts["number_break"]), int(opts["number_rate"]), int(opts["name_break"]))  # type: ignore[call-overload]
        if phrasing.active:
            args, text = ["-m", *args], to_ssml(text, phrasing)
        # espeak-ng runs ~600x real time; the allowance grows with text length.
        proc = self._run(tools, args, text=text, timeout=30.0 + len(text) / 20)
        if proc.returncode != 0 or not Path(out_path).is_file() or Path(out_path).stat().st_size <= 44:
            detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"mã thoát {proc.returncode}"
            raise SynthesisFailed(f"espeak-ng không đọc được văn bản ({detail}): hãy kiểm tra giọng '{voice_arg}'.")

    def phonemes(self, text: str, voice: str, options: Mapping[str, object], *, tools: Tools) -> str:
        """The phonemes espeak-ng would speak for text (its -x output): what a lexicon override or a region changes."""
        self._options(options)  # refuse unknown or out-of-range options as synthesize does
        voice_arg = self._voice_arg(self.resolve_voice(voice), options.get("variant"), tools)
        proc = self._run(tools, ["-q", "-x", "-v", voice_arg, "--stdin"], text=text)
        if proc.returncode != 0:
            raise SynthesisFailed(f"espeak-ng không phiên âm được văn bản: hãy kiểm tra giọng '{voice_arg}'.")
        return " ".join(proc.stdout.split())
