"""The panel's self-signed certificate for HTTPS on the commune LAN, made once with openssl (phones give the microphone only to secure pages)."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
from pathlib import Path

from broadcast.errors import ConfigError

DAYS = 3650  # a station makes it once; trusting it again on every phone each year would be a chore nobody does


def lan_names(host: str) -> list[str]:
    """subjectAltName entries: localhost, the machine's name, the listen address and the machine's LAN address."""
    names = ["DNS:localhost", "IP:127.0.0.1", f"DNS:{socket.gethostname()}"]
    addresses = {host} if host not in ("", "0.0.0.0", "::") else set()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the LAN interface's address
            addresses.add(probe.getsockname()[0])
    except OSError:
        pass
    for address in sorted(addresses):
        try:
            names.append(f"IP:{ipaddress.ip_address(address)}")
        except ValueError:
            names.append(f"DNS:{address}")
    return list(dict.fromkeys(names))


def ensure_certificate(data_dir: Path, host: str, name: str = "loaxa") -> tuple[Path, Path]:
    """The (certificate, key) in data_dir/tls, generated the first time; ConfigError in one sentence when openssl fails."""
    folder = data_dir / "tls"
    cert, key = folder / "loaxa.crt", folder / "loaxa.key"
    if cert.is_file() and key.is_file():
        return cert, key
    folder.mkdir(parents=True, exist_ok=True)
    tmp_cert, tmp_key = folder / f".crt.{os.getpid()}", folder / f".key.{os.getpid()}"
    args = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(DAYS),
            "-subj", f"/CN={name}", "-addext", "subjectAltName=" + ",".join(lan_names(host)),
            "-addext", "basicConstraints=critical,CA:TRUE", "-keyout", str(tmp_key), "-out", str(tmp_cert)]
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ConfigError(f"Không tạo được chứng chỉ HTTPS ({exc}): hãy cài openssl (`apt-get install openssl`) rồi chạy lại.") from None
    tmp_key.chmod(0o600)
    os.replace(tmp_key, key)
    os.replace(tmp_cert, cert)
    return cert, key
