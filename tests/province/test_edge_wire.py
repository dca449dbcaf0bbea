"""The log upload of a commune player (edge.push) on fixed rows: the literal JSON on the wire and the digests the province recomputes."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.province import central, edge
from tests.broadcast.golden_log import DIGEST_A, DIGEST_B, DIGEST_C, add_referenced_rows, golden_entries

GENESIS = "0" * 64
# What the province receives for the golden rows: written by hand from their inputs (UTC ISO times, rounded floats).
EXPECTED_UPLOAD = {"rows": [
    {"station_id": 1, "seq": 1, "broadcast_id": 7, "broadcast_item_id": 21, "zones": "thon-1,thon-3",
     "slot_start": "2024-11-14T22:30:00+00:00", "slot_end": "2024-11-14T23:05:00+00:00", "planned_start": "2024-11-14T22:30:12.500000+00:00",
     "actual_start": "2024-11-14T22:30:12.512346+00:00", "actual_end": "2024-11-14T22:31:13.747346+00:00", "item_type": "script",
     "item_ref": "script:4", "title": "Bình đẳng giới: chung tay vì cộng đồng", "campaign": "bdg-2024", "voice": "espeak:vi",
     "status": "played", "seconds": 61.235, "sinks": "aircheck,icecast:/thon-1", "reason": "", "start_offset_ms": 12.346,
     "prev_hash": GENESIS, "row_hash": DIGEST_A, "created_at": "2024-11-14T22:31:13.800000+00:00"},
    {"station_id": 1, "seq": 2, "broadcast_id": 7, "broadcast_item_id": 22, "zones": "thon-1,thon-3",
     "slot_start": "2024-11-14T22:30:00+00:00", "slot_end": "2024-11-14T23:05:00+00:00", "planned_start": "2024-11-14T22:31:13.735000+00:00",
     "actual_start": None, "actual_end": None, "item_type": "jingle", "item_ref": "asset:2", "title": "Nhạc hiệu kết thúc", "campaign": "",
     "voice": "", "status": "skipped", "seconds": 0.0, "sinks": "", "reason": "hết giờ của buổi phát", "start_offset_ms": None,
     "prev_hash": DIGEST_A, "row_hash": DIGEST_B, "created_at": "2024-11-14T22:31:14+00:00"},
    {"station_id": 1, "seq": 3, "broadcast_id": None, "broadcast_item_id": None, "zones": "",
     "slot_start": "2024-11-15T10:00:00+00:00", "slot_end": "2024-11-15T10:30:00+00:00", "planned_start": "2024-11-15T10:00:00+00:00",
     "actual_start": "2024-11-15T10:00:00+00:00", "actual_end": "2024-11-15T10:00:07.500000+00:00", "item_type": "script",
     "item_ref": "script:5", "title": "Phòng chống bạo lực gia đình", "campaign": "bdg-2024", "voice": "gtts:vi", "status": "interrupted",
     "seconds": 7.5, "sinks": "null", "reason": "ngắt để phát bản tin khẩn cấp", "start_offset_ms": 0.0,
     "prev_hash": DIGEST_B, "row_hash": DIGEST_C, "created_at": "2024-11-15T10:00:08.250000+00:00"},
]}


class _Province(BaseHTTPRequestHandler):
    """A stand-in for the province's log intake that records what it is sent and stores nothing."""

    uploads: list[tuple[dict[str, str], bytes]] = []
    statuses: list[dict] = []

    def _answer(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        assert self.path == "/api/edge/v1/log/head", self.path
        self._answer({"seq": 0, "row_hash": GENESIS})

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/api/edge/v1/status":  # the heartbeat and receivers, after the rows
            self.statuses.append(json.loads(body))
            self._answer({"receivers": 0, "offline": 0})
            return
        assert self.path == "/api/edge/v1/log", self.path
        self.uploads.append((dict(self.headers), body))
        rows = json.loads(body)["rows"]
        self._answer({"stored": len(rows), "skipped": 0, "head": {"seq": rows[-1]["seq"], "row_hash": rows[-1]["row_hash"]}})

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


def test_push_uploads_the_golden_rows_in_their_literal_wire_form(settings, factory):
    with transaction(factory) as session:
        add_referenced_rows(session, settings.station)
        for entry in golden_entries():
            asrun.append(session, entry)
    _Province.uploads, _Province.statuses = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Province)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sent = edge.push(settings, f"http://127.0.0.1:{server.server_address[1]}", "ma-dong-bo")
    finally:
        server.shutdown()
        server.server_close()
    assert sent == 3 and len(_Province.uploads) == 1
    headers, body = _Province.uploads[0]
    assert headers["Authorization"] == "Bearer ma-dong-bo" and headers["Content-Type"] == "application/json"
    assert json.loads(body) == EXPECTED_UPLOAD
    assert _Province.statuses == [{"beat_at": None, "started_at": None, "receivers": []}]  # no player beat, no receivers here


def test_the_province_recomputes_the_literal_digests_from_the_wire_rows():
    prev = GENESIS
    for row, digest in zip(EXPECTED_UPLOAD["rows"], (DIGEST_A, DIGEST_B, DIGEST_C)):
        entry = central.entry_from_json(json.loads(json.dumps(row)))
        assert asrun.row_digest(entry, prev) == digest == row["row_hash"]
        prev = digest
