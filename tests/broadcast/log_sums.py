"""A campaign report's figures recomputed from `loaxa log --format json` rows, independently of broadcast/reports.

The rules are docs/reports.md's ("How the figures are counted"), written again here from the export alone:
a campaign row has the campaign's slug; it aired when its status is played, late or interrupted with seconds > 0;
a campaign broadcast has at least one campaign row; over all its rows, a broadcast is missed when none aired,
interrupted when something aired and a row is interrupted, failed, skipped or missed, late when a row is late.
Days are the local days of the exported (local) planned starts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

AIRED = {"played", "late", "interrupted"}
FULL = {"played", "late"}
CUT = {"interrupted", "failed", "skipped", "missed"}


@dataclass
class DaySums:
    """One local day."""

    broadcasts: int = 0
    items: int = 0
    aired_seconds: float = 0.0
    missed: int = 0
    late: int = 0
    interrupted: int = 0


@dataclass
class ScriptSums:
    """One campaign script."""

    plays: int = 0
    interrupted: int = 0
    aired_seconds: float = 0.0
    first_aired: str | None = None  # local ISO date
    last_aired: str | None = None
    voices: list[str] = field(default_factory=list)  # as logged (engine:voice), in order of first airing


@dataclass
class ProblemSums:
    """A campaign broadcast that was missed, interrupted or late."""

    broadcast_id: int
    date: str
    planned_start: str  # local ISO, seconds
    outcome: str  # missed | interrupted | late
    aired_seconds: float
    late_by_s: float | None  # for a late one: how late its first late row went out
    resumed_late: bool = False  # that row resumes the broadcast after a cut (it does not open it)


@dataclass
class LogSums:
    """Everything a report counts, from the log rows of its period."""

    rows: int = 0
    broadcasts: int = 0
    items: int = 0
    aired_seconds: float = 0.0
    missed: int = 0
    late: int = 0
    interrupted: int = 0
    other_broadcasts: int = 0
    all_aired_seconds: float = 0.0
    days: dict[str, DaySums] = field(default_factory=lambda: defaultdict(DaySums))
    scripts: dict[int, ScriptSums] = field(default_factory=lambda: defaultdict(ScriptSums))
    problems: list[ProblemSums] = field(default_factory=list)
    # Broadcasts whose campaign rows aired (what reaches each loudspeaker zone when every row is for all zones).
    broadcasts_aired: int = 0


def sums_over_log(rows: list[dict], slug: str) -> LogSums:
    """The figures of a campaign report over `loaxa log --format json` rows of the report's period."""
    out = LogSums(rows=len(rows))
    by_broadcast: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_broadcast[row["broadcast_id"]].append(row)
    ours = [r for r in rows if r["campaign"] == slug]
    campaign_ids = list(dict.fromkeys(r["broadcast_id"] for r in ours))
    out.other_broadcasts = len(set(by_broadcast) - set(campaign_ids))
    out.all_aired_seconds = sum(r["seconds"] for r in rows if r["status"] in AIRED)
    for broadcast_id in campaign_ids:
        group = by_broadcast[broadcast_id]
        first = min(group, key=lambda r: r["planned_start"])
        day = out.days[first["planned_start"][:10]]
        missed = not any(r["status"] in AIRED and r["seconds"] > 0 for r in group)
        cut = not missed and any(r["status"] in CUT for r in group)
        late = any(r["status"] == "late" for r in group)
        for sums in (out, day):
            sums.broadcasts += 1
            sums.missed += missed
            sums.interrupted += cut
            sums.late += late
        if missed or cut or late:
            late_rows = [r for r in group if r["status"] == "late" and r["actual_start"]]
            late_by, resumed = None, False
            if late_rows:
                earliest = min(late_rows, key=lambda r: r["planned_start"])
                late_by = (datetime.fromisoformat(earliest["actual_start"]) - datetime.fromisoformat(earliest["planned_start"])).total_seconds()
                resumed = earliest["planned_start"] != first["planned_start"]
            out.problems.append(ProblemSums(
                broadcast_id, first["planned_start"][:10], first["planned_start"], "missed" if missed else "interrupted" if cut else "late",
                sum(r["seconds"] for r in group if r["campaign"] == slug and r["status"] in AIRED), late_by, resumed))
    aired_broadcasts = set()
    for r in ours:
        if r["status"] not in AIRED or r["seconds"] <= 0:
            continue
        aired_broadcasts.add(r["broadcast_id"])
        day = out.days[r["planned_start"][:10]]
        day.items += 1
        day.aired_seconds += r["seconds"]
        out.items += 1
        out.aired_seconds += r["seconds"]
        script = out.scripts[int(r["item_id"].split(":")[1])]
        if r["status"] in FULL:
            script.plays += 1
        else:
            script.interrupted += 1
        script.aired_seconds += r["seconds"]
        aired_on = (r["actual_start"] or r["planned_start"])[:10]
        script.first_aired = min(script.first_aired or aired_on, aired_on)
        script.last_aired = max(script.last_aired or aired_on, aired_on)
        if r["voice"] not in script.voices:
            script.voices.append(r["voice"])
    out.broadcasts_aired = len(aired_broadcasts)
    out.problems.sort(key=lambda p: p.planned_start)
    return out
