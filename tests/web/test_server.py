"""The panel behind gunicorn workers (a province's central panel): one secret, one schema, sessions valid in every worker."""

from __future__ import annotations

import subprocess
import sys
import threading

import psutil
from babel.messages.mofile import read_mo

from broadcast.db import transaction
from broadcast.models import Role, Station
from broadcast.stations.users import create_user
from tests.conftest import subprocess_env
from tests.processes import login, panel_log, start_panel, stop, wait_workers_ready
from web import i18n


def test_two_workers_share_the_login_and_stop_together(settings, factory):
    with transaction(factory) as session:
        station = Station(slug="cam-tan", name="Đài truyền thanh xã Cẩm Tân")
        session.add(station)
        session.flush()
        create_user(session, "xem", "matkhau-dai-du", Role.VIEWER, station)
    proc, base = start_panel(settings, ready_workers=2, LOAXA_WEB_WORKERS="2")
    log = panel_log(settings, int(base.rsplit(":", 1)[1]))
    try:
        workers = psutil.Process(proc.pid).children()
        assert len(workers) == 2  # gunicorn's master and its two workers
        # Both workers have built their app before any request below: each request may land on either of them.
        assert wait_workers_ready(log, 2, proc) == {str(w.pid) for w in workers}
        http, _ = login(base, "xem", "matkhau-dai-du")
        # Keep-alive off: each request may land on either worker; all must accept the same session cookie.
        answers = [http.get(base + "/nhat-ky/", headers={"Connection": "close"}, timeout=30) for _ in range(12)]
        assert [a.status_code for a in answers] == [200] * 12
        assert all("Nhật ký phát sóng" in a.text for a in answers)
        assert len(list(settings.data_dir.glob("secret_key*"))) == 1  # no stray temporary key files
    finally:
        stop(proc)
    assert proc.returncode == 0 and not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
    text = log.read_text(errors="replace")
    assert "Exception in worker" not in text and "Worker failed to boot" not in text, text[-2000:]


def test_two_workers_compiling_the_catalogs_at_once_both_boot(tmp_path, monkeypatch):
    """Two panel workers booting together compile the catalogs at the same moment: neither may fail, the file is whole."""
    together = threading.Barrier(2, timeout=30)
    write_mo = i18n.write_mo

    def write_side_by_side(out, catalog):  # type: ignore[no-untyped-def]
        together.wait()  # both writers have passed the up-to-date check and opened their output
        write_mo(out, catalog)

    monkeypatch.setattr(i18n, "write_mo", write_side_by_side)
    failures: list[BaseException] = []

    def boot() -> None:
        try:
            i18n.compile_catalogs(tmp_path)
        except BaseException as exc:  # noqa: BLE001 - any failure here is what the test looks for
            failures.append(exc)

    workers = [threading.Thread(target=boot) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert failures == [] and not any(w.is_alive() for w in workers)
    compiled = tmp_path / "en" / "LC_MESSAGES"
    assert [p.name for p in compiled.iterdir()] == ["messages.mo"]  # no temporary file left behind
    with (compiled / "messages.mo").open("rb") as fh:
        assert read_mo(fh).get("Nhật ký phát sóng").string == "Broadcast log"


def test_a_bad_worker_count_is_one_sentence(settings):
    done = subprocess.run([sys.executable, "-m", "loaxa", "web"], env=subprocess_env(settings, LOAXA_WEB_WORKERS="0"),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "web_workers" in done.stderr and "1–64" in done.stderr


# A gunicorn worker's app; a waitress process goes through the same settled() (web/server.py).
SETTLED_APP = """
import gc, sys
from broadcast.config import load_settings
from web.server import _make_gunicorn
_make_gunicorn(load_settings(data_dir=sys.argv[1])).load()
print(gc.get_freeze_count(), len(gc.get_objects()))
"""


def test_a_served_app_is_out_of_the_collectors_walk(settings):
    """A full garbage collection in a panel worker walks only what requests made, not the app's startup objects."""
    done = subprocess.run([sys.executable, "-c", SETTLED_APP, str(settings.data_dir)], env=subprocess_env(settings),
                          capture_output=True, text=True, timeout=120, check=True)
    frozen, walked = map(int, done.stdout.split())
    # The app, templates and mappers are well over 50,000 objects; what stays in sight is the few made after the freeze.
    assert frozen > 50_000 and walked < 1_000
