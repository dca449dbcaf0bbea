"""Child processes that die with the process that started them (Linux PR_SET_PDEATHSIG): nothing plays behind a dead parent."""
# The kernel sends the signal the moment the parent dies, whatever the child is busy with (an ffmpeg blocked on a
# sound card, a player waiting 30 s on a locked database): no watcher thread, no polling interval, no pid reuse.
# The signal fires when the *thread* that spawned the child ends, so spawn from a thread that lives as long as the
# child should (the main thread, or a long-lived worker).

from __future__ import annotations

import os
import signal
from typing import Callable

try:
    import ctypes

    _LIBC = ctypes.CDLL(None, use_errno=True)
    _PRCTL = _LIBC.prctl
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _PRCTL = None

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A subprocess preexec_fn that gets the child SIGKILLed when this process dies (None where the OS cannot)."""
    if _PRCTL is None:  # pragma: no cover - not Linux
        return None
    parent = os.getpid()

    def arm() -> None:
        _PRCTL(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
        if os.getppid() != parent:  # the parent died between fork and prctl: nobody would signal us any more
            os.kill(os.getpid(), signal.SIGKILL)

    return arm
