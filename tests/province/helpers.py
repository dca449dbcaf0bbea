"""Shared helpers of the province tests: free ports and a central panel process."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Iterator

import requests

from broadcast.config import Settings
from tests.conftest import subprocess_env


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until something accepts connections on a loopback port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@contextmanager
def central_panel(settings: Settings, port: int) -> Iterator[str]:
    """`loaxa web` of the central data dir on a loopback port; stopped (for real) on exit."""
    env = subprocess_env(settings, LOAXA_HOST="127.0.0.1", LOAXA_PORT=str(port), LOAXA_STATION="cam-tan")
    proc = subprocess.Popen([sys.executable, "-m", "broadcast", "web"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc=proc)
        url = f"http://127.0.0.1:{port}"
        requests.get(url + "/dang-nhap", timeout=5).raise_for_status()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
