"""Alerts reach a webhook as JSON POSTs (a real local HTTP server); a dead webhook is logged, never raised."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from broadcast.receivers import webhook
from broadcast.receivers.board import AlertEvent
from tests.processes import free_port

AT = datetime(2024, 11, 20, 3, 0, tzinfo=timezone.utc)


class _Vendor(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


def test_raised_and_cleared_alerts_are_posted_as_json():
    _Vendor.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Vendor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    events = [AlertEvent("cam-tan", "thon-2", "Thôn 2", "Loa 2", "offline", True, AT, "Mất liên lạc với đài."),
              AlertEvent("cam-tan", "thon-2", "Thôn 2", "Loa 2", "offline", False, AT, "")]
    try:
        assert webhook.send(f"http://127.0.0.1:{server.server_address[1]}/hook", events) == 2
    finally:
        server.shutdown()
        server.server_close()
    assert _Vendor.received == [
        {"event": "receiver_alert", "station": "cam-tan", "zone": "thon-2", "zone_name": "Thôn 2", "receiver": "Loa 2", "kind": "offline",
         "at": "2024-11-20T03:00:00+00:00", "reason": "Mất liên lạc với đài."},
        {"event": "receiver_alert_cleared", "station": "cam-tan", "zone": "thon-2", "zone_name": "Thôn 2", "receiver": "Loa 2", "kind": "offline",
         "at": "2024-11-20T03:00:00+00:00", "reason": ""},
    ]


def test_a_webhook_nobody_listens_on_is_logged_not_raised(caplog):
    event = AlertEvent("cam-tan", "thon-2", "Thôn 2", "Loa 2", "silent", True, AT, "")
    assert webhook.send(f"http://127.0.0.1:{free_port()}/hook", [event]) == 0
    assert "not sent to the webhook" in caplog.text
