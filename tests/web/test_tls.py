"""HTTPS on the LAN: the station's certificate is made once, names the LAN address, and `loaxa web` serves over it."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, wait_for
from web.tls import ensure_certificate, lan_names

ROOT = Path(__file__).resolve().parents[2]


def test_certificate_is_made_once_and_names_localhost_and_the_lan(tmp_path):
    cert, key = ensure_certificate(tmp_path, "0.0.0.0")
    made = cert.read_bytes()
    assert ensure_certificate(tmp_path, "0.0.0.0") == (cert, key) and cert.read_bytes() == made  # never remade
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    text = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-text"], capture_output=True, text=True, check=True).stdout
    assert "IP Address:127.0.0.1" in text and "DNS:localhost" in text and "CA:TRUE" in text
    assert [n for n in lan_names("192.168.1.20") if n == "IP:192.168.1.20"]


@pytest.mark.slow
def test_loaxa_web_serves_https_with_the_station_certificate(demo_settings, tmp_path):
    port = free_port()
    env = {**os.environ, "LOAXA_DATA_DIR": str(demo_settings.data_dir), "LOAXA_HTTPS": "1", "LOAXA_PORT": str(port), "PYTHONPATH": str(ROOT)}
    log = tmp_path / "web.log"
    web = subprocess.Popen([sys.executable, "-m", "loaxa", "web"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        cert = demo_settings.data_dir / "tls" / "loaxa.crt"
        trusted = None

        def page():
            nonlocal trusted
            if not cert.is_file():
                return None
            trusted = trusted or ssl.create_default_context(cafile=str(cert))
            try:
                return urllib.request.urlopen(f"https://127.0.0.1:{port}/dang-nhap", context=trusted, timeout=5).read().decode()
            except OSError:
                return None

        body = wait_for(page, 90, "the panel over HTTPS")
        assert "Đăng nhập" in body
        with pytest.raises(OSError):  # plain HTTP is not served on that port
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap", timeout=5).read()
    finally:
        web.terminate()
        web.wait(30)
