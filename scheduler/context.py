"""The playout process's collaborators, set once by the composition root (jobs look them up by id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from broadcast.config import Settings
from broadcast.timeutil import Clock, SystemClock


@dataclass
class PlayoutContext:
    """Settings, database and clock of the running player."""

    settings: Settings
    factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    sleep: Callable[[float], None] | None = None
    recovered: bool = False


_current: PlayoutContext | None = None


def install(context: PlayoutContext) -> None:
    """Make the context visible to job functions."""
    global _current
    _current = context


def current() -> PlayoutContext:
    """The installed context; jobs cannot run without one."""
    if _current is None:
        raise RuntimeError("playout context not installed; build the scheduler with scheduler.runner.build_scheduler")
    return _current
