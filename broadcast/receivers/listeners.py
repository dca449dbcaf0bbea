"""Icecast's own view: which zone mounts have a receiver listening, from the server's admin pages."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

log = logging.getLogger(__name__)

# Receivers name themselves so in the User-Agent header; other listeners (a phone, a relay) are not receivers.
RECEIVER_AGENT = "loaxa-receiver/"
TIMEOUT_S = 3.0


@dataclass(frozen=True)
class AdminAccess:
    """Where an Icecast server's admin pages are and how to log in."""

    base: str  # http://host:port
    user: str
    password: str


def admin_access(icecast_url: str, user: str, password: str) -> AdminAccess | None:
    """Admin access from the station's icecast:// source URL (None without one); an empty password means the source password."""
    if not icecast_url:
        return None
    parts = urlsplit(icecast_url)
    if not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    return AdminAccess(f"http://{parts.hostname}{port}", user or "admin", password or (parts.password or ""))


def parse_mounts(xml_text: str) -> list[str]:
    """Mounts with a source connected, from /admin/stats."""
    root = ET.fromstring(xml_text)
    return [source.get("mount", "") for source in root.iter("source") if source.get("mount")]


def count_receivers(xml_text: str) -> int:
    """Listeners of one mount that are loaxa receivers, from /admin/listclients."""
    root = ET.fromstring(xml_text)
    return sum(1 for listener in root.iter("listener") if (listener.findtext("UserAgent") or "").startswith(RECEIVER_AGENT))


def receivers_listening(access: AdminAccess | None, mounts: list[str]) -> dict[str, int] | None:
    """Receivers listening per mount of `mounts` (0 for a mount without a source); None when Icecast cannot be asked."""
    if access is None:
        return None
    auth = (access.user, access.password)
    try:
        response = requests.get(f"{access.base}/admin/stats", auth=auth, timeout=TIMEOUT_S)
        response.raise_for_status()
        live = set(parse_mounts(response.text))
        counts = {}
        for mount in mounts:
            if mount not in live:
                counts[mount] = 0
                continue
            response = requests.get(f"{access.base}/admin/listclients", params={"mount": mount}, auth=auth, timeout=TIMEOUT_S)
            if response.status_code == 400:  # the source left between the two requests
                counts[mount] = 0
                continue
            response.raise_for_status()
            counts[mount] = count_receivers(response.text)
        return counts
    except (requests.RequestException, ET.ParseError) as exc:
        # The panel shows the receivers' own reports; Icecast's side is marked unknown, never a crash.
        log.warning("Icecast admin stats unavailable: %s", exc)
        return None
