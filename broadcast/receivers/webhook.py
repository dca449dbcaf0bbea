"""Send receiver alerts to a webhook (the province's or a vendor's system) as JSON POSTs."""

from __future__ import annotations

import logging
from typing import Sequence

import requests

from broadcast.receivers.board import AlertEvent

log = logging.getLogger(__name__)
TIMEOUT_S = 5.0


def send(url: str, events: Sequence[AlertEvent]) -> int:
    """POST each event's body to url; returns how many were accepted (2xx). A failure is logged, never raised: alerts must not stop playout."""
    sent = 0
    for event in events:
        try:
            response = requests.post(url, json=event.body(), timeout=TIMEOUT_S)
            if response.ok:
                sent += 1
            else:
                log.warning("webhook refused the receiver alert (%s)", response.status_code)
        except requests.RequestException as exc:
            log.warning("receiver alert not sent to the webhook: %s", exc)
    return sent
