"""Errors a person can cause while working with sound; messages are one Vietnamese sentence."""
from __future__ import annotations


class AudioError(Exception):
    """Base of every audio error shown to a person."""


class ToolMissing(AudioError):
    """An external program (ffmpeg, ffprobe, espeak-ng) is not installed or not executable."""


class ToolFailed(AudioError):
    """An external program ran but failed or timed out; `detail` keeps its stderr tail for logs."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class EngineUnavailable(AudioError):
    """A speech engine cannot speak right now (offline service, missing library)."""


class AllEnginesFailed(EngineUnavailable):
    """Every engine of a voice chain failed; `reasons` lists why, in chain order."""

    def __init__(self, message: str, reasons: list[str]) -> None:
        super().__init__(message)
        self.reasons = reasons


class VoiceNotFound(AudioError):
    """The requested voice (name or voice file) does not exist."""


class BadVoiceOption(AudioError):
    """A voice option is unknown or out of range."""


class SynthesisFailed(AudioError):
    """The engine ran but produced no usable audio."""


class BadAudio(AudioError):
    """A file is corrupt, not audio, of the wrong format, or silence only."""


class TooLarge(AudioError):
    """An uploaded file is bigger than the allowed size."""


class EmptyText(AudioError):
    """There is nothing to read aloud."""


class TooLong(AudioError):
    """The audio is longer than the slot allows."""
