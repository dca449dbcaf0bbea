"""From as-run log rows to the tables of a campaign report (no file formats here)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import daily_target_seconds, get_campaign
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import AsRunEntry, Campaign, LogStatus, Membership, Role, Station, User, Zone
from broadcast.planning.windows import load_windows, on_day, weekdays_on
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import local_at

# Statuses whose seconds went out on air (interrupted counts the seconds it aired).
AIRED = (LogStatus.PLAYED, LogStatus.LATE, LogStatus.INTERRUPTED)
FULL = (LogStatus.PLAYED, LogStatus.LATE)

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

    @property
    def met(self) -> bool:
        """The day carried at least its target (to the millisecond the log keeps)."""
        return self.aired_seconds + 0.0005 >= self.target_seconds


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
    cut = any(r.status in (LogStatus.INTERRUPTED, LogStatus.FAILED, LogStatus.SKIPPED, LogStatus.MISSED) for r in rows)
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
    if end < start:
        raise InvalidInput("Ngày kết thúc đứng trước ngày bắt đầu: hãy đổi lại thứ tự.", field="end")
    return start, end


def daily_targets(campaign: Campaign, days: Sequence[date], slot_seconds: dict[date, float], script_seconds: Sequence[float]) -> tuple[dict[date, float], str]:
    """Target seconds per day and one sentence saying how it was derived."""
    kind, value = campaign.target_kind, campaign.target_value
    windows = load_windows(campaign.windows)
    if kind == "plays_per_script_week":
        # A weekly play count per script becomes a daily airtime: every pool script N times over the week's on-days.
        on = weekdays_on(windows)
        per_day = value * sum(script_seconds) / on
        note = (f"{_num(value)} lần mỗi bài mỗi tuần cho {len(script_seconds)} bài, quy ra thời lượng mỗi ngày "
                f"= {_num(value)} × tổng thời lượng các bài ({_num(sum(script_seconds) / 60, 1)} phút) ÷ {on} = {_num(per_day / 60, 1)} phút")
        return {d: per_day if on_day(windows, d) else 0.0 for d in days}, note
    # A day with nothing logged still owes its share: count it at the typical logged day's slot time.
    logged = sorted(v for v in slot_seconds.values() if v > 0)
    typical = logged[len(logged) // 2] if logged else 0.0
    # A weekday without any window is a day off for the campaign: nothing is owed.
    targets = {d: daily_target_seconds(campaign, slot_seconds.get(d) or typical, len(script_seconds)) if on_day(windows, d) else 0.0 for d in days}
    if kind == "share_of_slot":
        note = (f"{_num(value)}% thời lượng các buổi phát trong ngày (theo giờ buổi phát ghi trong nhật ký; "
                "ngày không có nhật ký tính theo ngày phát thông thường)")
    else:
        note = f"{_num(value)} phút nội dung chiến dịch mỗi ngày"
    return targets, note


def _num(value: float, decimals: int = 0) -> str:
    """A number in Vietnamese notation (comma for decimals)."""
    text = f"{value:,.{decimals}f}" if decimals else f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def find_signer(session: Session, station: Station, campaign: Campaign) -> User | None:
    """The official who approved the campaign, else the station's first approver."""
    if campaign.approved_by_id:
        user = session.get(User, campaign.approved_by_id)
        if user is not None and any(m.station_id == station.id and m.role == Role.APPROVER for m in user.memberships):
            return user
    return session.scalar(
        select(User).join(Membership).where(Membership.station_id == station.id, Membership.role == Role.APPROVER, User.is_active.is_(True)).order_by(User.id).limit(1)
    )


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


def _pool_seconds(session: Session, campaign: Campaign, full_seconds: dict[int, float]) -> dict[int, float]:
    """Length of each pool script: the longest full airing in the log, else its current audio."""
    from broadcast.content.rendering import script_audio

    lengths = {}
    for entry in campaign.pool:
        seconds = full_seconds.get(entry.script_id)
        if seconds is None:
            audio = script_audio(session, entry.script)
            seconds = audio.duration_s if audio else 0.0
        lengths[entry.script_id] = seconds
    return lengths


def build_report(session: Session, station: Station, campaign: Campaign | str, start: date | None = None, end: date | None = None,
                 now: datetime | None = None, letterhead: Letterhead | None = None) -> CampaignReport:
    """Compute a campaign's report for [start, end] (local days) from the station's as-run log."""
    from broadcast.reports.notes import get_note_text

    if isinstance(campaign, str) or campaign.station_id != station.id:
        campaign = get_campaign(session, station, campaign if isinstance(campaign, str) else campaign.slug)
    first, last = period_bounds(campaign, start, end)
    tz = station_tz(station)
    rows = asrun.query_rows(session, station.id, local_at(first, time(0), tz), local_at(last + timedelta(days=1), time(0), tz))
    ours = [r for r in rows if r.campaign == campaign.slug]
    if not ours:
        raise NotFound(
            f"Nhật ký phát sóng không có buổi phát nào của chiến dịch {campaign.slug} từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}: "
            "hãy chọn khoảng ngày đã phát, hoặc kiểm tra trình phát đã chạy và ghi nhật ký chưa."
        )
    by_broadcast: dict[tuple[str, int], list[AsRunEntry]] = defaultdict(list)
    for r in rows:
        by_broadcast[_key(r)].append(r)
    campaign_keys = list(dict.fromkeys(_key(r) for r in ours))

    def local_day(value: datetime) -> date:
        return value.astimezone(tz).date()

    day_list = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    slot_seconds: dict[date, float] = defaultdict(float)
    for key, group in by_broadcast.items():
        windows = {(r.slot_start, r.slot_end) for r in group if r.slot_start and r.slot_end}
        for s0, s1 in windows:
            slot_seconds[local_day(s0)] += (s1 - s0).total_seconds()

    full_seconds: dict[int, float] = {}
    for r in ours:
        sid = _script_id(r.item_ref)
        if sid is not None and r.status in FULL:
            full_seconds[sid] = max(full_seconds.get(sid, 0.0), r.seconds)
    pool = _pool_seconds(session, campaign, full_seconds)
    targets, target_note = daily_targets(campaign, day_list, slot_seconds, list(pool.values()))
    days = {d: DayRow(d, round(targets[d], 3)) for d in day_list}

    totals = Totals(days=len(day_list))
    problems: list[Problem] = []
    for key in campaign_keys:
        group = by_broadcast[key]
        day = days[local_day(min(r.planned_start for r in group))]
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
                aired_seconds=round(sum((r.seconds for r in group if r.campaign == campaign.slug and r.status in AIRED), 0.0), 3),
                reason=_reason(group, missed, late), zones=group[0].zones,
            ))

    scripts: dict[int | None, ScriptRow] = {}
    for entry in sorted(campaign.pool, key=lambda e: e.script_id):
        scripts[entry.script_id] = ScriptRow(entry.script_id, entry.script.title)
    zone_rows = {z.code: ZoneRow(z.code, z.name) for z in session.scalars(select(Zone).where(Zone.station_id == station.id).order_by(Zone.position))}
    zone_broadcasts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    zone_targeted = False
    for r in ours:
        if r.status not in AIRED or r.seconds <= 0:
            continue
        day = days[local_day(r.planned_start)]
        day.aired_seconds += r.seconds
        day.items += 1
        totals.items += 1
        totals.aired_seconds += r.seconds
        sid = _script_id(r.item_ref)
        row = scripts.setdefault(sid, ScriptRow(sid, r.title))
        row.title = r.title or row.title
        if r.status in FULL:
            row.plays += 1
        else:
            row.interrupted += 1
        row.aired_seconds += r.seconds
        aired_on = local_day(r.actual_start or r.planned_start)
        row.first_aired = min(row.first_aired or aired_on, aired_on)
        row.last_aired = max(row.last_aired or aired_on, aired_on)
        label = voice_label(r.voice)
        if label not in row.voices:
            row.voices.append(label)
        codes = list(zone_rows) if r.zones in ("", "all") else [c for c in r.zones.split(",") if c]
        zone_targeted = zone_targeted or r.zones not in ("", "all")
        for code in codes:
            zone = zone_rows.setdefault(code, ZoneRow(code, code))
            zone.items += 1
            zone.aired_seconds += r.seconds
            zone_broadcasts[code].add(_key(r))
    for code, keys in zone_broadcasts.items():
        zone_rows[code].broadcasts = len(keys)

    if campaign.target_kind == "plays_per_script_week":
        for sid in pool:
            if sid in scripts:
                scripts[sid].target_plays = round(campaign.target_value * len(day_list) / 7.0, 1)
    for day in days.values():
        day.aired_seconds = round(day.aired_seconds, 3)
    for row in scripts.values():
        row.aired_seconds = round(row.aired_seconds, 3)
    for zone in zone_rows.values():
        zone.aired_seconds = round(zone.aired_seconds, 3)
    totals.aired_seconds = round(totals.aired_seconds, 3)
    totals.target_seconds = round(sum(d.target_seconds for d in days.values()), 3)
    totals.days_met = sum(d.met for d in days.values())
    totals.other_broadcasts = len(set(by_broadcast) - set(campaign_keys))
    totals.all_aired_seconds = round(sum(r.seconds for r in rows if r.status in AIRED), 3)

    check = asrun.verify(session, station.id)
    log = LogCheck(
        verified=check.ok, rows_checked=check.rows, reason=check.reason, first_bad_seq=check.first_bad_seq,
        rows_in_period=len(rows), first_seq=rows[0].seq if rows else None, last_seq=rows[-1].seq if rows else None,
        last_hash=rows[-1].row_hash if rows else "",
    )
    entries = []
    for key in campaign_keys:
        for r in by_broadcast[key]:
            exported = asrun.export_row(r, station, tz)
            exported["reason"] = r.reason
            entries.append(exported)
    return CampaignReport(
        station_slug=station.slug, station_name=station.name, slug=campaign.slug, name=campaign.name, theme=campaign.theme or "",
        campaign_start=campaign.start_date, campaign_end=campaign.end_date, start=first, end=last,
        target_kind=campaign.target_kind, target_value=campaign.target_value, target_note=target_note,
        days=list(days.values()), scripts=list(scripts.values()), zones=list(zone_rows.values()), zone_targeted=zone_targeted,
        problems=sorted(problems, key=lambda p: p.planned_start), totals=totals, log=log,
        note=get_note_text(session, campaign), letterhead=letterhead or default_letterhead(station, find_signer(session, station, campaign)),
        generated_at=now, entries=entries, tz_name=station.timezone,
    )


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
        } for d in report.days],
        "scripts": [{
            "id": s.id, "title": s.title, "plays": s.plays, "interrupted": s.interrupted, "aired_seconds": s.aired_seconds,
            "first_aired": iso(s.first_aired), "last_aired": iso(s.last_aired), "voices": s.voices, "target_plays": s.target_plays,
        } for s in report.scripts],
        "zones": [{"code": z.code, "name": z.name, "broadcasts": z.broadcasts, "items": z.items, "aired_seconds": z.aired_seconds} for z in report.zones],
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


def station_tz_name(report: CampaignReport):  # type: ignore[no-untyped-def]
    """The report station's zone object."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(report.tz_name)


def minutes(seconds: float, decimals: int = 1) -> str:
    """Seconds as Vietnamese-notation minutes for documents."""
    return _num(seconds / 60.0, decimals)


def vn_number(value: float, decimals: int = 0) -> str:
    """Public alias of the Vietnamese number format."""
    return _num(value, decimals)


def iter_problem_rows(report: CampaignReport) -> Iterable[list[str]]:
    """Problems as table rows for documents."""
    tz = station_tz_name(report)
    for p in report.problems:
        yield [p.planned_start.astimezone(tz).strftime("%d/%m/%Y %H:%M"), OUTCOME_LABELS[p.outcome], minutes(p.aired_seconds), p.reason or "—"]
