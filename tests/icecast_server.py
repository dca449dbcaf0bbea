"""A real icecast2 server for tests: config written under tmp, loopback on a free port, stopped on exit."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

from tests.processes import free_port, stop, wait_port

ICECAST = shutil.which("icecast2") or "icecast2"
SHARE = Path("/usr/share/icecast2")


@dataclass(frozen=True)
class Relay:
    """A mount this server pulls from another (master) Icecast."""

    server: str
    port: int
    mount: str
    local_mount: str


@dataclass(frozen=True)
class IcecastServer:
    """A running server: where it listens and its source password."""

    host: str
    port: int
    source_password: str
    log_dir: Path

    @property
    def base_url(self) -> str:
        """icecast:// URL without a mount, as the `icecast_url` setting takes it."""
        return f"icecast://source:{self.source_password}@{self.host}:{self.port}"

    def source_url(self, mount: str) -> str:
        """icecast:// URL a source (ffmpeg) streams a mount to."""
        return f"icecast://source:{self.source_password}@{self.host}:{self.port}{mount}"

    def listen_url(self, mount: str) -> str:
        """http:// URL a listener reads a mount from."""
        return f"http://{self.host}:{self.port}{mount}"

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

    def error_log(self) -> str:
        """The server's error log (for failure messages)."""
        path = self.log_dir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def config_xml(port: int, password: str, log_dir: Path, relays: tuple[Relay, ...] = ()) -> str:
    """Icecast XML for one loopback server; root must hand the process to nobody:nogroup."""
    relay_xml = "".join(
        f"<relay><server>{escape(r.server)}</server><port>{r.port}</port><mount>{escape(r.mount)}</mount>"
        f"<local-mount>{escape(r.local_mount)}</local-mount><on-demand>0</on-demand>"
        "<relay-shoutcast-metadata>0</relay-shoutcast-metadata></relay>"
        for r in relays
    )
    owner = "<security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>" if os.geteuid() == 0 else ""
    return f"""<icecast>
  <location>loaxa test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
  <limits><clients>20</clients><sources>10</sources><queue-size>524288</queue-size><client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout><source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect><burst-size>65535</burst-size></limits>
  <authentication><source-password>{escape(password)}</source-password><relay-password>{escape(password)}</relay-password>
    <admin-user>admin</admin-user><admin-password>{escape(password)}</admin-password></authentication>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <master-update-interval>1</master-update-interval>
  {relay_xml}
  <fileserve>1</fileserve>
  <paths><basedir>{SHARE}</basedir><logdir>{escape(str(log_dir))}</logdir><webroot>{SHARE}/web</webroot><adminroot>{SHARE}/admin</adminroot>
    <pidfile>{escape(str(log_dir / 'icecast.pid'))}</pidfile></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel><logsize>10000</logsize></logging>
  {owner}
</icecast>
"""


@contextmanager
def icecast(root: Path, relays: tuple[Relay, ...] = (), password: str = "loaxa-test-source", timeout: float = 10.0) -> Iterator[IcecastServer]:
    """Run `icecast2 -c <tmp config>` until the block ends."""
    root.mkdir(parents=True, exist_ok=True)
    # The server drops to nobody before it opens its logs, and pytest's tmp folders are private (0700):
    # logs go to a world-traversable folder of their own, removed afterwards.
    log_dir = Path(tempfile.mkdtemp(prefix="loaxa-icecast-"))
    log_dir.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(log_dir, "nobody", "nogroup")
    port = free_port()
    config = root / "icecast.xml"
    config.write_text(config_xml(port, password, log_dir, relays), encoding="utf-8")
    config.chmod(0o644)
    # stderr to a file, never an unread pipe: a full pipe would freeze the server mid-test.
    proc = subprocess.Popen([ICECAST, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=(log_dir / "stderr.log").open("ab"))
    try:
        wait_port(port, timeout, proc)
        yield IcecastServer("127.0.0.1", port, password, log_dir)
    finally:
        stop(proc)
        shutil.copytree(log_dir, root / "log", dirs_exist_ok=True)
        shutil.rmtree(log_dir, ignore_errors=True)
