"""Test helpers for real processes on loopback: free ports, waiting for a listener or a condition, a `loaxa web` process,
logging in, and finding every process started for a data dir."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import psutil
import requests

from broadcast.config import Settings
from tests.conftest import subprocess_env
from web.server import GRACEFUL_TIMEOUT_S

STARTUP_S = 90.0  # a panel process up and answering, on a loaded machine
# A stopping gunicorn master gives its workers GRACEFUL_TIMEOUT_S before killing them: waiting no longer than that
# killed masters that were about to exit cleanly (exit -9 instead of 0 on a busy machine).
STOP_S = GRACEFUL_TIMEOUT_S + 20.0


T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float, what: str, poll_s: float = 0.1) -> T:
    """Poll until predicate() is truthy and return its value; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll_s)


def processes_for(data_dir: Path) -> list[psutil.Process]:
    """Live processes (zombies excluded) whose environment names this data dir: a `loaxa` command and all it started."""
    wanted, found = str(data_dir), []
    for proc in psutil.process_iter():
        try:
            if proc.status() != psutil.STATUS_ZOMBIE and proc.environ().get("LOAXA_DATA_DIR") == wanted:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


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


def start_panel(settings: Settings, port: int | None = None, ready_workers: int = 0, **env_extra: str) -> tuple[subprocess.Popen, str]:
    """Start `loaxa web` of a data dir as its own process on a loopback port; returns it and its base URL once it answers.

    With ready_workers, also wait until that many gunicorn workers have said they are ready: the master listens before
    its workers have built their apps, so the first answer only proves one of them.
    """
    port = port or free_port()
    if ready_workers:
        env_extra.setdefault("LOAXA_LOG_LEVEL", "INFO")  # the workers' "ready" lines are logged at INFO
    env = subprocess_env(settings, LOAXA_HOST="127.0.0.1", LOAXA_PORT=str(port), LOAXA_STATION="cam-tan", **env_extra)
    # stderr to a file, never a pipe nobody reads: a full pipe (waitress logs under load) freezes the server.
    log = panel_log(settings, port)
    proc = subprocess.Popen([sys.executable, "-m", "loaxa", "web"], env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"))
    try:
        # Generous bounds: on a loaded 2-core machine importing the app and booting a worker takes tens of seconds;
        # meanwhile the first request waits in the listen queue and is answered once a worker is up.
        wait_port(port, timeout=STARTUP_S, proc=proc)
        url = f"http://127.0.0.1:{port}"
        requests.get(url + "/dang-nhap", timeout=STARTUP_S).raise_for_status()
        if ready_workers:
            wait_workers_ready(log, ready_workers, proc)
    except BaseException:
        stop(proc)
        raise
    return proc, url


def panel_log(settings: Settings, port: int) -> Path:
    """The file a panel process started by start_panel writes its stderr to (beside the data dir)."""
    return settings.data_dir.parent / f"panel-{port}.log"


def wait_workers_ready(log: Path, count: int, proc: subprocess.Popen, timeout: float = STARTUP_S) -> set[str]:
    """Wait until `count` gunicorn workers have logged that they are ready; returns their pids."""
    deadline = time.monotonic() + timeout
    while True:
        ready = set(re.findall(r"Worker ready \(pid: (\d+)\)", log.read_text(errors="replace")))
        if len(ready) >= count:
            return ready
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{len(ready)} of {count} workers ready (server {'exited' if proc.poll() is not None else 'running'}):\n"
                               + log.read_text(errors="replace")[-2000:])
        time.sleep(0.1)


def stop(proc: subprocess.Popen, timeout: float = STOP_S) -> None:
    """Terminate a process, killing it if it does not end in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def panel_process(settings: Settings, port: int | None = None, **env_extra: str) -> Iterator[str]:
    """`loaxa web` as its own process for the duration of a block; yields its base URL."""
    proc, url = start_panel(settings, port, **env_extra)
    try:
        yield url
    finally:
        stop(proc)

def login(base: str, username: str, password: str = "camtan2024", page: str = "/dang-nhap") -> tuple[requests.Session, str]:
    """A logged-in session like a browser's, and the CSRF token of `page` (after login) for its forms."""
    http = requests.Session()
    http.post(base + "/dang-nhap", data={"csrf_token": _csrf(http.get(base + "/dang-nhap", timeout=10).text),
                                          "username": username, "password": password}, timeout=10).raise_for_status()
    return http, _csrf(http.get(base + page, timeout=10).text)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
