"""A real icecast2 server on loopback for tests: started in a temporary folder, stopped afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

CONFIG = """<icecast>
  <location>loaxa tests</location>
  <admin>test@localhost</admin>
  <limits><clients>20</clients><sources>20</sources><source-timeout>10</source-timeout><burst-size>0</burst-size></limits>
  <authentication>
    <source-password>{password}</source-password>
    <relay-password>{password}</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>{password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>{logdir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><errorlog>error.log</errorlog><accesslog>access.log</accesslog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>{changeowner}</security>
</icecast>
"""


@dataclass(frozen=True)
class Icecast:
    """A running server: where sources push and listeners read."""

    port: int
    password: str
    logdir: Path

    @property
    def source_url(self) -> str:
        """Base URL for ffmpeg sources (append /mount)."""
        return f"icecast://source:{self.password}@127.0.0.1:{self.port}"

    def listen_url(self, mount: str) -> str:
        """HTTP URL a listener reads a mount from."""
        return f"http://127.0.0.1:{self.port}/{mount.lstrip('/')}"

    def read(self, mount: str, nbytes: int, timeout: float = 15.0) -> bytes:
        """Read bytes of a mount as a listener, retrying until its source is connected."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.listen_url(mount), timeout=5) as response:
                    data = b""
                    while len(data) < nbytes:
                        chunk = response.read(nbytes - len(data))
                        if not chunk:
                            break
                        data += chunk
                    if data:
                        return data
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"mount {mount} never served audio")
            time.sleep(0.1)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def icecast_server() -> Iterator[Icecast]:
    """Start icecast2 (it refuses to run as root, so it drops to nobody) and stop it on exit."""
    binary = shutil.which("icecast2")
    if binary is None:
        raise RuntimeError("icecast2 is not installed (apt-get install icecast2)")
    # pytest's tmp folders are private to root; the server, once it is nobody, must reach its log folder.
    work = Path(tempfile.mkdtemp(prefix="loaxa-icecast-"))
    os.chmod(work, 0o755)
    logdir = work / "log"
    logdir.mkdir()
    os.chmod(logdir, 0o777)
    port, password = free_port(), "hackme-test"
    owner = "<changeowner><user>nobody</user><group>nogroup</group></changeowner>" if os.geteuid() == 0 else ""
    config = work / "icecast.xml"
    config.write_text(CONFIG.format(password=password, port=port, logdir=logdir, changeowner=owner), encoding="utf-8")
    os.chmod(config, 0o644)
    proc = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                raise RuntimeError(f"icecast2 exited: {out}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("icecast2 did not start listening") from None
                time.sleep(0.05)
        yield Icecast(port, password, logdir)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
