"""From as-run log rows to the tables of a campaign report: pure aggregation, no database and no file formats."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from broadcast.asrun.chain import export_row
from broadcast.campaigns.needs import campaign_target
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import AIRED, AIRED_IN_FULL, AsRunEntry, Campaign, LogStatus, Station, User
from broadcast.numbers import vn_minutes, vn_number
from broadcast.planning.targets import daily_need_s
from broadcast.planning.windows import weekdays_on
from broadcast.stations.lookup import zone_codes
from broadcast.timeutil import check_day_order


OUTCOME_LABELS = {
    "missed": "không phát được",
    "interrupted": "bị ngắt giữa chừng",
    "late": "phát trễ giờ",
}


@dataclass
class DayRow:
    """Campaign airtime of one local day against its target."""

    date: date
    target_seconds: float
    aired_seconds: float = 0.0
    broadcasts: int = 0
    items: int = 0
    missed: int = 0
    late: int = 0
    interrupted: int = 0
    # Seconds that reached the thôn (REACH_RULE); None when no row of the day was judged by receivers.
    reached_seconds: float | None = None

    @property
    def met(self) -> bool:
        """The day carried at least its target (to the millisecond the log keeps), judged on reach where receivers judged it."""
        carried = self.aired_seconds if self.reached_seconds is None else self.reached_seconds
        return carried + 0.0005 >= self.target_seconds


@dataclass
class ScriptRow:
    """How one pool script aired over the period."""

    id: int | None
    title: str
    plays: int = 0
    interrupted: int = 0
    aired_seconds: float = 0.0
    first_aired: date | None = None
    last_aired: date | None = None
    voices: list[str] = field(default_factory=list)
    target_plays: float | None = None


@dataclass
class ZoneRow:
    """Campaign airtime that reached one speaker cluster."""

    code: str
    name: str
    broadcasts: int = 0
    items: int = 0
    aired_seconds: float = 0.0
    # "Thời lượng đến được": seconds a receiver of the thôn played in full; None without receivers' judgement.
    reached_seconds: float | None = None
    unreached_broadcasts: int = 0  # broadcasts aimed at the thôn that reached no receiver there


# The rule the daily target is judged by once receivers report, stated in the report as is.
REACH_RULE = ("Thời lượng đến được của một lượt phát = thời lượng phát × (số thôn có máy thu phát trọn lượt đó ÷ số thôn được phát tới); "
              "chỉ tiêu ngày được xét theo thời lượng đến được. Lượt phát khi đài chưa có máy thu được tính đủ thời lượng phát.")


def reach_share(zones: str, zones_reached: str | None, all_codes: Sequence[str]) -> float:
    """Share of a row's targeted thôn whose receiver played it in full (1 when receivers did not judge it)."""
    if zones_reached is None:
        return 1.0
    targeted = list(all_codes) if zones in ("", "all") else [c for c in zones.split(",") if c]
    if not targeted:
        return 0.0
    reached = set(c for c in zones_reached.split(",") if c)
    return sum(1 for c in targeted if c in reached) / len(targeted)


@dataclass
class Problem:
    """A campaign broadcast that did not air in full and on time, with the log's reason."""

    broadcast_id: int | None
    day: date
    planned_start: datetime
    outcome: str  # missed | interrupted | late
    aired_seconds: float
    reason: str
    zones: str


@dataclass
class Totals:
    """The figures of section II; each is a sum over the period's log rows."""

    broadcasts: int = 0
    items: int = 0
    aired_seconds: float = 0.0
    target_seconds: float = 0.0
    days: int = 0
    days_met: int = 0
    missed: int = 0
    late: int = 0
    interrupted: int = 0
    other_broadcasts: int = 0
    all_aired_seconds: float = 0.0


@dataclass
class LogCheck:
    """The hash-chain check of the whole station log the report was computed from."""

    verified: bool
    rows_checked: int
    reason: str = ""
    first_bad_seq: int | None = None
    rows_in_period: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str = ""


@dataclass
class Letterhead:
    """Who issues and signs the document (Decree 30/2020/NĐ-CP blocks)."""

    parent_body: str
    body: str
    symbol: str
    place: str
    signer_lines: tuple[str, ...]
    signer_name: str
    recipients: tuple[str, ...]


@dataclass
class CampaignReport:
    """Everything a campaign report shows, computed from the as-run log."""

    station_slug: str
    station_name: str
    slug: str
    name: str
    theme: str
    campaign_start: date
    campaign_end: date
    start: date
    end: date
    target_kind: str
    target_value: float
    target_note: str
    days: list[DayRow]
    scripts: list[ScriptRow]
    zones: list[ZoneRow]
    zone_targeted: bool
    problems: list[Problem]
    totals: Totals
    log: LogCheck
    note: str
    letterhead: Letterhead
    generated_at: datetime | None
    entries: list[dict[str, Any]]
    tz_name: str = "Asia/Ho_Chi_Minh"

    @property
    def log_verified(self) -> bool:
        """False when the log's hash chain is broken anywhere."""
        return self.log.verified


def voice_label(voice: str) -> str:
    """The voice as an operator names it."""
    engine, _, name = voice.partition(":")
    if engine == "recording":
        return "bản ghi âm người đọc"
    if engine == "media":
        return "tệp âm thanh"
    labels = {"espeak": "giọng máy espeak-ng", "gtts": "giọng Google (gTTS)", "piper": "giọng máy Piper"}
    if engine in labels:
        # The station's Vietnamese voice is the norm; name a voice only when it is another one.
        return f"{labels[engine]} ({name})" if name and name != "vi" else labels[engine]
    return voice or "không rõ"


def _script_id(ref: str) -> int | None:
    kind, _, value = ref.partition(":")
    return int(value) if kind == "script" and value.isdigit() else None


def _key(entry: AsRunEntry) -> tuple[str, int]:
    """A broadcast's identity in the log (rows of a deleted broadcast keep their slot start)."""
    if entry.broadcast_id is not None:
        return ("b", entry.broadcast_id)
    return ("s", int(entry.slot_start.timestamp()) if entry.slot_start else entry.seq)


def _outcome(rows: Sequence[AsRunEntry]) -> tuple[bool, bool, bool]:
    """(missed, interrupted, late) of one broadcast from all its rows."""
    aired = [r for r in rows if r.status in AIRED and r.seconds > 0]
    if not aired:
        return True, False, False
    cut = any(r.status not in AIRED_IN_FULL for r in rows)
    late = any(r.status == LogStatus.LATE for r in rows)
    return False, cut, late


def _reason(rows: Sequence[AsRunEntry], missed: bool, late: bool) -> str:
    """The log's reasons; for a late start or a late resumption, how late it was (the log shows it even without a reason)."""
    reasons = list(dict.fromkeys(r.reason.strip() for r in rows if r.reason and r.reason.strip()))
    late_rows = [r for r in rows if r.status == LogStatus.LATE and r.actual_start is not None]
    if late and late_rows:
        # The first late row, not the first row: a broadcast cut on time and resumed later was late only from the resumption.
        first = min(late_rows, key=lambda r: r.planned_start)
        delay = (first.actual_start - first.planned_start).total_seconds()
        started_late = first.planned_start == min(r.planned_start for r in rows)
        reasons.append(f"{'bắt đầu' if started_late else 'phát tiếp'} trễ {delay:.0f} giây so với giờ dự kiến")
    return "; ".join(reasons) or "nhật ký không ghi lý do"


def period_bounds(campaign: Campaign, first: date | None, last: date | None) -> tuple[date, date]:
    """The report's days: the campaign's by default; a chosen period must lie inside it."""
    for value, name in ((first, "start"), (last, "end")):
        if value is not None and not campaign.start_date <= value <= campaign.end_date:
            raise InvalidInput(
                f"Ngày {value:%d/%m/%Y} nằm ngoài chiến dịch {campaign.slug} "
                f"({campaign.start_date:%d/%m/%Y}–{campaign.end_date:%d/%m/%Y}): hãy chọn ngày trong thời gian chiến dịch.",
                field=name,
            )
    start, end = first or campaign.start_date, last or campaign.end_date
    check_day_order(start, end, field="end")
    return start, end


def daily_targets(campaign: Campaign, days: Sequence[date], slot_seconds: dict[date, float], script_seconds: Sequence[float]) -> tuple[dict[date, float], str]:
    """Target seconds per day and one sentence saying how it was derived."""
    target = campaign_target(campaign)
    # A day with nothing logged still owes its share: count it at the typical logged day's slot time.
    logged = sorted(v for v in slot_seconds.values() if v > 0)
    typical = logged[len(logged) // 2] if logged else 0.0
    targets = {d: daily_need_s(target, d, slot_seconds.get(d) or typical, script_seconds) for d in days}
    value = target.value
    if target.kind == "plays_per_script_week":
        per_day = max(targets.values(), default=0.0)  # the same on every day on
        note = (f"{vn_number(value)} lần mỗi bài mỗi tuần cho {len(script_seconds)} bài, quy ra thời lượng mỗi ngày "
                f"= {vn_number(value)} × tổng thời lượng các bài ({vn_number(sum(script_seconds) / 60, 1)} phút) ÷ {weekdays_on(target.windows)} "
                f"= {vn_number(per_day / 60, 1)} phút")
    elif target.kind == "share_of_slot":
        note = (f"{vn_number(value)}% thời lượng các buổi phát trong ngày (theo giờ buổi phát ghi trong nhật ký; "
                "ngày không có nhật ký tính theo ngày phát thông thường)")
    else:
        note = f"{vn_number(value)} phút nội dung chiến dịch mỗi ngày"
    return targets, note


def target_plays(campaign: Campaign, days: Sequence[date]) -> float:
    """How many times each pool script should air over the days of a weekly play target."""
    # The need is linear in the scripts' lengths: for one script one unit long it counts that script's plays.
    return round(sum(daily_need_s(campaign_target(campaign), d, script_seconds=(1.0,)) for d in days), 1)


def default_letterhead(station: Station, signer: User | None) -> Letterhead:
    """Issuing body, place and signature block derived from the station's name."""
    name = station.name.strip()
    lowered = name.lower()
    commune = name[lowered.rindex("xã ") + 3:].strip() if "xã " in lowered else name
    return Letterhead(
        parent_body=f"UBND XÃ {commune.upper()}",
        body="ĐÀI TRUYỀN THANH",
        symbol="BC-ĐTT",
        place=commune,
        signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
        signer_name=(signer.full_name if signer else ""),
        recipients=(
            "UBND xã (b/c);",
            "Công chức Chính sách xã hội;",
            "Công chức Văn hóa - Xã hội;",
            "Lưu: VT, ĐTT.",
        ),
    )


@dataclass(frozen=True)
class ReportInputs:
    """What a report is computed from, read from the database in one place (reports.gather)."""

    station: Station
    campaign: Campaign
    first: date
    last: date
    rows: Sequence[AsRunEntry]  # the station's log rows planned on those local days, in log order
    pool: Sequence[tuple[int, str]]  # (script id, title) of each pool script, in the pool's order
    audio_seconds: Mapping[int, float]  # length of each pool script's current audio; absent when it has none
    zones: Sequence[tuple[str, str]]  # (code, name) of the station's zones, in their order


@dataclass
class Figures:
    """The report's tables and totals, computed from the inputs alone."""

    target_note: str
    days: list[DayRow]
    scripts: list[ScriptRow]
    zones: list[ZoneRow]
    zone_targeted: bool
    problems: list[Problem]
    totals: Totals
    entries: list[dict[str, Any]]


def require_campaign_rows(rows: Sequence[AsRunEntry], campaign: Campaign, first: date, last: date) -> None:
    """Refuse a period whose log holds nothing of the campaign: a report of zeros would mislead."""
    if not any(r.campaign == campaign.slug for r in rows):
        raise NotFound(
            f"Nhật ký phát sóng không có buổi phát nào của chiến dịch {campaign.slug} từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}: "
            "hãy chọn khoảng ngày đã phát, hoặc kiểm tra trình phát đã chạy và ghi nhật ký chưa."
        )


def _carrying_slot_seconds(by_broadcast: Mapping[tuple[str, int], list[AsRunEntry]], keys: Sequence[tuple[str, int]],
                           tz: ZoneInfo) -> dict[date, float]:
    """Slot seconds per local day of the broadcasts that carried the campaign."""
    # A share target is a share of the broadcasts that carried the campaign (the planner's rule), not of every broadcast.
    slot_seconds: dict[date, float] = defaultdict(float)
    for key in keys:
        windows = {(r.slot_start, r.slot_end) for r in by_broadcast[key] if r.slot_start and r.slot_end}
        for s0, s1 in windows:
            slot_seconds[s0.astimezone(tz).date()] += (s1 - s0).total_seconds()
    return slot_seconds


def _pool_lengths(pool: Sequence[tuple[int, str]], audio_seconds: Mapping[int, float], ours: Sequence[AsRunEntry]) -> dict[int, float]:
    """Length of each pool script: the longest full airing in the log, else its current audio (0 without audio)."""
    full_seconds: dict[int, float] = {}
    for r in ours:
        sid = _script_id(r.item_ref)
        if sid is not None and r.status in AIRED_IN_FULL:
            full_seconds[sid] = max(full_seconds.get(sid, 0.0), r.seconds)
    lengths = {}
    for script_id, _ in pool:
        seconds = full_seconds.get(script_id)
        lengths[script_id] = seconds if seconds is not None else audio_seconds.get(script_id, 0.0)
    return lengths


def _broadcast_outcomes(by_broadcast: Mapping[tuple[str, int], list[AsRunEntry]], keys: Sequence[tuple[str, int]], slug: str,
                        days: dict[date, DayRow], totals: Totals, tz: ZoneInfo) -> list[Problem]:
    """Count each campaign broadcast on its day and in the totals; the ones not aired in full and on time, as problems."""
    problems: list[Problem] = []
    for key in keys:
        group = by_broadcast[key]
        day = days[min(r.planned_start for r in group).astimezone(tz).date()]
        missed, cut, late = _outcome(group)
        day.broadcasts += 1
        day.missed += missed
        day.interrupted += cut
        day.late += late
        totals.broadcasts += 1
        totals.missed += missed
        totals.interrupted += cut
        totals.late += late
        if missed or cut or late:
            outcome = "missed" if missed else "interrupted" if cut else "late"
            problems.append(Problem(
                broadcast_id=group[0].broadcast_id, day=day.date, planned_start=min(r.planned_start for r in group), outcome=outcome,
                aired_seconds=round(sum((r.seconds for r in group if r.campaign == slug and r.status in AIRED), 0.0), 3),
                reason=_reason(group, missed, late), zones=group[0].zones,
            ))
    return sorted(problems, key=lambda p: p.planned_start)


def _airtime(ours: Sequence[AsRunEntry], pool: Sequence[tuple[int, str]], zones: Sequence[tuple[str, str]], days: dict[date, DayRow],
             totals: Totals, tz: ZoneInfo) -> tuple[dict[int | None, ScriptRow], dict[str, ZoneRow], bool]:
    """Add each aired campaign item to its day and the totals, and sum it per script and per zone it reached."""
    scripts: dict[int | None, ScriptRow] = {}
    for script_id, title in sorted(pool):
        scripts[script_id] = ScriptRow(script_id, title)
    zone_rows = {code: ZoneRow(code, name) for code, name in zones}
    zone_broadcasts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    zone_reached_broadcasts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    zone_targeted = False
    for r in ours:
        if r.status not in AIRED or r.seconds <= 0:
            continue
        day = days[r.planned_start.astimezone(tz).date()]
        day.aired_seconds += r.seconds
        if r.zones_reached is not None:
            day.reached_seconds = (day.reached_seconds or 0.0) + r.seconds * reach_share(r.zones, r.zones_reached, list(zone_rows))
        elif day.reached_seconds is not None:
            day.reached_seconds += r.seconds
        day.items += 1
        totals.items += 1
        totals.aired_seconds += r.seconds
        sid = _script_id(r.item_ref)
        row = scripts.setdefault(sid, ScriptRow(sid, r.title))
        row.title = r.title or row.title
        if r.status in AIRED_IN_FULL:
            row.plays += 1
        else:
            row.interrupted += 1
        row.aired_seconds += r.seconds
        aired_on = (r.actual_start or r.planned_start).astimezone(tz).date()
        row.first_aired = min(row.first_aired or aired_on, aired_on)
        row.last_aired = max(row.last_aired or aired_on, aired_on)
        label = voice_label(r.voice)
        if label not in row.voices:
            row.voices.append(label)
        named = zone_codes(r.zones)
        codes = list(zone_rows) if named is None else named
        zone_targeted = zone_targeted or named is not None
        for code in codes:
            zone = zone_rows.setdefault(code, ZoneRow(code, code))
            zone.items += 1
            zone.aired_seconds += r.seconds
            zone_broadcasts[code].add(_key(r))
            if r.zones_reached is not None:
                zone.reached_seconds = zone.reached_seconds or 0.0
                if code in r.zones_reached.split(","):
                    zone.reached_seconds += r.seconds
                    zone_reached_broadcasts[code].add(_key(r))
    for code, keys in zone_broadcasts.items():
        zone_rows[code].broadcasts = len(keys)
        if zone_rows[code].reached_seconds is not None:
            zone_rows[code].unreached_broadcasts = len(keys - zone_reached_broadcasts[code])
    return scripts, zone_rows, zone_targeted


def compute(inputs: ReportInputs) -> Figures:
    """The report's figures from the period's log rows, the pool's lengths and the zones: no database, no clock."""
    campaign, rows, tz = inputs.campaign, inputs.rows, ZoneInfo(inputs.station.timezone)
    ours = [r for r in rows if r.campaign == campaign.slug]
    by_broadcast: dict[tuple[str, int], list[AsRunEntry]] = defaultdict(list)
    for r in rows:
        by_broadcast[_key(r)].append(r)
    campaign_keys = list(dict.fromkeys(_key(r) for r in ours))

    day_list = [inputs.first + timedelta(days=n) for n in range((inputs.last - inputs.first).days + 1)]
    lengths = _pool_lengths(inputs.pool, inputs.audio_seconds, ours)
    targets, target_note = daily_targets(campaign, day_list, _carrying_slot_seconds(by_broadcast, campaign_keys, tz), list(lengths.values()))
    days = {d: DayRow(d, round(targets[d], 3)) for d in day_list}
    totals = Totals(days=len(day_list))
    problems = _broadcast_outcomes(by_broadcast, campaign_keys, campaign.slug, days, totals, tz)
    scripts, zone_rows, zone_targeted = _airtime(ours, inputs.pool, inputs.zones, days, totals, tz)

    if campaign.target_kind == "plays_per_script_week":
        plays = target_plays(campaign, day_list)
        for sid in lengths:
            if sid in scripts:
                scripts[sid].target_plays = plays
    for day in days.values():
        day.aired_seconds = round(day.aired_seconds, 3)
        day.reached_seconds = round(day.reached_seconds, 3) if day.reached_seconds is not None else None
    for row in scripts.values():
        row.aired_seconds = round(row.aired_seconds, 3)
    for zone in zone_rows.values():
        zone.aired_seconds = round(zone.aired_seconds, 3)
        zone.reached_seconds = round(zone.reached_seconds, 3) if zone.reached_seconds is not None else None
    totals.aired_seconds = round(totals.aired_seconds, 3)
    totals.target_seconds = round(sum(d.target_seconds for d in days.values()), 3)
    totals.days_met = sum(d.met for d in days.values())
    totals.other_broadcasts = len(set(by_broadcast) - set(campaign_keys))
    totals.all_aired_seconds = round(sum(r.seconds for r in rows if r.status in AIRED), 3)

    entries = []
    for key in campaign_keys:
        for r in by_broadcast[key]:
            exported = export_row(r, inputs.station, tz)
            exported["reason"] = r.reason
            entries.append(exported)
    return Figures(target_note, list(days.values()), list(scripts.values()), list(zone_rows.values()), zone_targeted, problems, totals, entries)


def to_dict(report: CampaignReport) -> dict[str, Any]:
    """The JSON contract of a report: seconds as numbers, dates ISO."""
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    return {
        "campaign": {"slug": report.slug, "name": report.name, "start": iso(report.campaign_start), "end": iso(report.campaign_end), "theme": report.theme},
        "station": {"slug": report.station_slug, "name": report.station_name},
        "period": {"start": iso(report.start), "end": iso(report.end)},
        "target": {"kind": report.target_kind, "value": report.target_value, "per_day": report.target_note, "total_seconds": report.totals.target_seconds},
        "days": [{
            "date": iso(d.date), "target_seconds": d.target_seconds, "aired_seconds": d.aired_seconds, "broadcasts": d.broadcasts,
            "items": d.items, "missed": d.missed, "late": d.late, "interrupted": d.interrupted, "met": d.met,
            **({"reached_seconds": d.reached_seconds} if d.reached_seconds is not None else {}),
        } for d in report.days],
        "scripts": [{
            "id": s.id, "title": s.title, "plays": s.plays, "interrupted": s.interrupted, "aired_seconds": s.aired_seconds,
            "first_aired": iso(s.first_aired), "last_aired": iso(s.last_aired), "voices": s.voices, "target_plays": s.target_plays,
        } for s in report.scripts],
        "zones": [{"code": z.code, "name": z.name, "broadcasts": z.broadcasts, "items": z.items, "aired_seconds": z.aired_seconds,
                   **({"reached_seconds": z.reached_seconds, "unreached_broadcasts": z.unreached_broadcasts} if z.reached_seconds is not None else {}),
                   } for z in report.zones],
        # Present once receivers judged any row: the rule the daily target was judged by.
        **({"reach_rule": REACH_RULE} if judged_on_reach(report) else {}),
        "problems": [{
            "broadcast_id": p.broadcast_id, "date": iso(p.day), "planned_start": p.planned_start.astimezone(station_tz_name(report)).isoformat(timespec="seconds"),
            "outcome": p.outcome, "aired_seconds": p.aired_seconds, "reason": p.reason, "zones": p.zones,
        } for p in report.problems],
        "totals": {
            "broadcasts": report.totals.broadcasts, "items": report.totals.items, "aired_seconds": report.totals.aired_seconds,
            "target_seconds": report.totals.target_seconds, "days": report.totals.days, "days_met": report.totals.days_met,
            "missed": report.totals.missed, "late": report.totals.late, "interrupted": report.totals.interrupted,
            "other_broadcasts": report.totals.other_broadcasts, "all_aired_seconds": report.totals.all_aired_seconds,
        },
        "note": report.note,
        "log_verified": report.log.verified,
        "log": {
            "verified": report.log.verified, "rows_checked": report.log.rows_checked, "reason": report.log.reason,
            "first_bad_seq": report.log.first_bad_seq, "rows_in_period": report.log.rows_in_period,
            "first_seq": report.log.first_seq, "last_seq": report.log.last_seq, "last_hash": report.log.last_hash,
        },
        "generated_at": report.generated_at.isoformat(timespec="seconds") if report.generated_at else None,
    }


def judged_on_reach(report: CampaignReport) -> bool:
    """Whether receivers judged any row of the report (its days are then met on reach, by REACH_RULE)."""
    return any(d.reached_seconds is not None for d in report.days)


def station_tz_name(report: CampaignReport):  # type: ignore[no-untyped-def]
    """The report station's zone object."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(report.tz_name)


def iter_problem_rows(report: CampaignReport) -> Iterable[list[str]]:
    """Problems as table rows for documents."""
    tz = station_tz_name(report)
    for p in report.problems:
        yield [p.planned_start.astimezone(tz).strftime("%d/%m/%Y %H:%M"), OUTCOME_LABELS[p.outcome], vn_minutes(p.aired_seconds), p.reason or "—"]
