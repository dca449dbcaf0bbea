"""The panel behind gunicorn workers (a province's central panel): one secret, one schema, sessions valid in every worker."""

from __future__ import annotations

import subprocess
import sys

import psutil

from broadcast.db import transaction
from broadcast.models import Role, Station
from broadcast.stations.users import create_user
from tests.conftest import subprocess_env
from tests.processes import login, start_panel, stop


def test_two_workers_share_the_login_and_stop_together(settings, factory):
    with transaction(factory) as session:
        station = Station(slug="cam-tan", name="Đài truyền thanh xã Cẩm Tân")
        session.add(station)
        session.flush()
        create_user(session, "xem", "matkhau-dai-du", Role.VIEWER, station)
    proc, base = start_panel(settings, LOAXA_WEB_WORKERS="2")
    try:
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2  # gunicorn's master and its two workers
        http, _ = login(base, "xem", "matkhau-dai-du")
        # Keep-alive off: each request may land on either worker; all must accept the same session cookie.
        answers = [http.get(base + "/nhat-ky/", headers={"Connection": "close"}, timeout=10) for _ in range(12)]
        assert [a.status_code for a in answers] == [200] * 12
        assert all("Nhật ký phát sóng" in a.text for a in answers)
        assert len(list(settings.data_dir.glob("secret_key*"))) == 1  # no stray temporary key files
    finally:
        stop(proc)
    assert proc.returncode == 0 and not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_a_bad_worker_count_is_one_sentence(settings):
    done = subprocess.run([sys.executable, "-m", "loaxa", "web"], env=subprocess_env(settings, LOAXA_WEB_WORKERS="0"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "web_workers" in done.stderr and "1–64" in done.stderr
