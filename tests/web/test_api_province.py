"""A province's script, through the API only, against a real HTTP server on the demo copy: create a slot, add a script,
approve it, read the plan; then `loaxa simulate` plays the day and the log and the campaign report are read back."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
import requests
from werkzeug.serving import make_server

from tests.conftest import subprocess_env
from tests.web.conftest import Client
from tests.web.test_api import _token

pytestmark = pytest.mark.slow
DAY = "2024-11-19"  # a day of the demo's campaign, not yet played in the demo


@contextmanager
def serving(app) -> Iterator[str]:
    """The panel on a real werkzeug server in a thread, on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def _all_log(http: requests.Session, base: str) -> list[dict]:
    rows, after = [], 0
    while after is not None:
        page = http.get(f"{base}/log", params={"after_seq": after, "limit": 50}, timeout=30).json()
        rows.extend(page["rows"])
        after = page["next_after_seq"]
    return rows


def test_a_province_script(app, demo_settings):
    bearer = {who: _token(Client(app, user), "tỉnh") for who, user in (("admin", "admin"), ("editor", "bientap"), ("approver", "pheduyet"))}
    as_ = {}
    for who, secret in bearer.items():
        as_[who] = requests.Session()
        as_[who].headers["Authorization"] = f"Bearer {secret}"
    with serving(app) as root:
        base = f"{root}/api/v1/stations/cam-tan"
        slot = as_["admin"].post(f"{base}/slots", json={"name": "Bản tin tỉnh", "start_time": "21:00", "duration_s": 900}, timeout=30)
        assert slot.status_code == 201, slot.text
        slot_id = slot.json()["id"]
        script = as_["editor"].post(f"{base}/scripts", json={"title": "Lịch tiêm phòng", "body": "Mời bà con đưa trẻ đến trạm y tế xã."}, timeout=30)
        assert script.status_code == 201 and script.json()["status"] == "draft"
        approved = as_["approver"].post(f"{base}/scripts/{script.json()['id']}/approve", timeout=30)
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert as_["approver"].get(f"{base}/plan", params={"from": DAY, "to": DAY}, timeout=30).json() == []  # nothing planned yet
        assert _all_log(as_["approver"], base) == []

        run = subprocess.run([sys.executable, "-m", "loaxa", "simulate", "--from", DAY, "--to", DAY], env=subprocess_env(demo_settings),
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr
        written = int(re.search(r"(\d+) dòng nhật ký mới", run.stdout).group(1))

        plan = as_["approver"].get(f"{base}/plan", params={"from": DAY, "to": DAY}, timeout=30).json()
        ours = [b for b in plan if b["slot_id"] == slot_id]
        assert len(ours) == 1 and ours[0]["planned_start"].startswith(f"{DAY}T14:00") and ours[0]["status"] == "done"  # 21:00 in Vietnam
        log = _all_log(as_["approver"], base)
        assert len(log) == written > 0 and [r["seq"] for r in log] == list(range(1, written + 1))
        assert {r["row"]["broadcast_id"] for r in log} == {b["id"] for b in plan if b["status"] != "cancelled"}
        in_slot = [r["row"] for r in log if r["row"]["broadcast_id"] == ours[0]["id"]]
        assert [r["item_type"] for r in in_slot][0] == "jingle" and all(r["status"] == "played" for r in in_slot)

        report = as_["approver"].get(f"{base}/campaigns/bdg-2024/report", params={"from": DAY, "to": DAY}, timeout=30)
        assert report.status_code == 200 and report.headers["content-type"].startswith("application/json")
        figures = report.json()
        # The campaign's figures, counted by hand from the log rows the API gave.
        spots = [r["row"] for r in log if r["row"]["campaign"] == "bdg-2024" and r["row"]["status"] == "played"]
        assert ours[0]["id"] in {r["broadcast_id"] for r in spots}  # the slot made through the API carried the campaign
        day = figures["days"][0]
        assert (day["date"], day["items"], day["broadcasts"], day["missed"]) == (DAY, len(spots), len({r["broadcast_id"] for r in spots}), 0)
        assert day["aired_seconds"] == pytest.approx(sum(r["seconds"] for r in spots), abs=0.01)
        assert day["met"] is True and figures["target"]["total_seconds"] == 600.0  # 10 minutes a day, met by the 3 broadcasts
        assert figures["log"] == {**figures["log"], "verified": True, "rows_in_period": written, "first_seq": 1, "last_seq": written,
                                  "last_hash": log[-1]["row_hash"]}
