"""Domain errors whose message is one Vietnamese sentence an operator can act on."""

from __future__ import annotations

from audio.errors import AudioError
from scripts_vi.errors import ScriptError


class LoaxaError(Exception):
    """Base of every error a person can cause; str(error) is shown to them as is."""


class ConfigError(LoaxaError):
    """A setting is missing or has a value that cannot work."""


class NotFound(LoaxaError):
    """A station, script, campaign or other record named by the user does not exist."""


class InvalidInput(LoaxaError):
    """Input that cannot be accepted; `field` names the form field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PermissionDenied(LoaxaError):
    """The user's role may not do this."""


class Conflict(LoaxaError):
    """The request clashes with the current state (e.g. a second player for one station)."""


class ToolMissing(LoaxaError):
    """A required system program is not installed."""


def operator_errors() -> tuple[type[Exception], ...]:
    """All error classes whose message is meant for a person, across loaxa's packages."""
    return (LoaxaError, AudioError, ScriptError)
