"""The speech engine interface and the hashable voice specification."""
from __future__ import annotations

import abc
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from audio.tools import Tools


@dataclass(frozen=True)
class VoiceSpec:
    """One link of a voice chain: engine name, voice (engine-specific) and options."""

    engine: str
    voice: str = ""
    options: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, engine: str, voice: str = "", **options: object) -> VoiceSpec:
        """Build a spec from keyword options, sorted so equal specs hash equally."""
        return cls(engine, voice, tuple(sorted(options.items())))

    def options_dict(self) -> dict[str, object]:
        """Options as a dict for the engine."""
        return dict(self.options)


# espeak-ng's phoneme input "[[...]]" (a station lexicon may give one); engines that cannot read it skip it.
_PHONEMES = re.compile(r"\[\[[^\[\]\n]+\]\]")


def without_phonemes(text: str) -> str:
    """Text with espeak-ng phoneme spans removed, for engines that would read their symbols aloud."""
    return " ".join(_PHONEMES.sub(" ", text).split()) if "[[" in text else text


class TtsEngine(abc.ABC):
    """A text-to-speech engine; subclasses are registered with audio.tts.registry and get the programs to run as tools."""

    name: str = ""
    default_voice: str = ""
    reads_phonemes: bool = False  # whether "[[...]]" in the text is read as phonemes

    @abc.abstractmethod
    def check(self, *, tools: Tools) -> None:
        """Raise EngineUnavailable (with the reason) when the engine cannot speak now."""

    @abc.abstractmethod
    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        """Speak text into out_path, in any audio format ffmpeg can read."""

    @abc.abstractmethod
    def voices(self, *, tools: Tools) -> list[str]:
        """Voice names this engine accepts (may be empty when voices are files)."""

    def resolve_voice(self, voice: str) -> str:
        """The voice actually used for voice ('' means the engine default)."""
        return voice or self.default_voice
