"""Pure rules of the receivers: a receiver's colour, when an outage opens or closes, whether a log row reached a zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

# A receiver is offline once its last report is older than this many of its own report intervals.
OFFLINE_AFTER_INTERVALS = 1.5
# Plus this much, for the network and a busy station.
OFFLINE_SLACK_S = 1.0
# A receiver needs a few seconds to find a mount that opened at the start of a broadcast.
CONNECT_GRACE_S = 10.0

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
_RANK = {GREEN: 0, AMBER: 1, RED: 2, NONE: 3}


@dataclass(frozen=True)
class LastReport:
    """What a receiver said last, stamped with the station's clock when it arrived."""

    at: datetime
    interval_s: float
    connected: bool
    playing: bool
    playing_for_s: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """A receiver's colour now and why (one Vietnamese sentence); outage is the kind it is in, if any."""

    colour: str
    why: str
    outage: str | None = None  # offline | silent


def is_fresh(last: LastReport | None, now: datetime) -> bool:
    """Whether the receiver reported recently enough to count as online."""
    if last is None:
        return False
    limit = OFFLINE_AFTER_INTERVALS * max(last.interval_s, 0.1) + OFFLINE_SLACK_S
    return (now - last.at).total_seconds() <= limit


def verdict(last: LastReport | None, now: datetime, listening: bool | None, on_air: bool) -> Verdict:
    """Colour of one receiver from its last report, Icecast's listener list (None: unknown) and whether its zone is on air.

    red: neither reports nor listens; amber: listens without reporting, or reports but plays nothing while its zone
    is on air; green: reports and, when its zone is on air, plays.
    """
    if not is_fresh(last, now):
        if listening:
            return Verdict(AMBER, "Không gửi báo cáo nhưng Icecast vẫn thấy máy đang nghe.")
        if last is None:
            return Verdict(RED, "Chưa từng liên lạc với đài.", "offline")
        return Verdict(RED, "Mất liên lạc với đài.", "offline")
    assert last is not None
    if on_air and not last.playing:
        why = "Đang phát nhưng máy không nhận được luồng." if not last.connected else "Đang phát nhưng máy im lặng."
        return Verdict(AMBER, why, "silent")
    return Verdict(GREEN, "Đang phát bình thường." if on_air else "Sẵn sàng.")


def zone_colour(colours: Iterable[str]) -> str:
    """A zone's colour: its best receiver's (one working receiver is enough for the thôn to hear); none without receivers."""
    return min(colours, key=_RANK.__getitem__, default=NONE)


@dataclass(frozen=True)
class OutageChange:
    """What to do with a receiver's outage rows: close the open one, open a new one of a kind, or both."""

    close: bool = False
    open_kind: str | None = None


def outage_change(open_kind: str | None, now_kind: str | None) -> OutageChange:
    """Compare the open outage's kind with the verdict's: nothing, close, open, or close and open another kind."""
    if open_kind == now_kind:
        return OutageChange()
    return OutageChange(close=open_kind is not None, open_kind=now_kind)


def reached(last: LastReport | None, start: datetime, end: datetime) -> bool:
    """Whether a receiver played for the whole of [start, end], judged at `end` from its last report before it.

    Its last report must be fresh at `end`, say it plays, and its uninterrupted play must have begun by
    start + CONNECT_GRACE_S. A receiver that died after its last report is believed until it is overdue, so the
    judgement can be wrong by at most one report interval.
    """
    if last is None or last.at > end or not is_fresh(last, end) or not last.playing:
        return False
    playing_since = last.at - timedelta(seconds=max(last.playing_for_s, 0.0))
    return playing_since <= start + timedelta(seconds=CONNECT_GRACE_S)


def is_alert(kind: str, zone_on_air: bool) -> bool:
    """Whether an open outage is an alert: silent (only ever during a broadcast), or offline while its zone is on air."""
    return kind == "silent" or (kind == "offline" and zone_on_air)
