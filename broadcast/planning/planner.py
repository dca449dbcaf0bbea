"""Pure planning rules: slot occurrences, rotation, quotas, fitting and feasibility (time is passed in)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from broadcast.numbers import vn_minutes
from broadcast.planning.targets import TARGET_LABELS, CampaignTarget, daily_need_s
from broadcast.planning.windows import TimeWindow, allows, eligible, on_day
from broadcast.timeutil import local_at

# Kinds of programme clock entries; a template is an ordered list of {"kind": ..., options}.
TEMPLATE_KINDS = ("jingle_open", "jingle_close", "separator", "relay", "priority", "campaign_block", "news", "filler")
CONTENT_KINDS = ("priority", "campaign_block", "news", "relay")
DEFAULT_TEMPLATE: tuple[dict[str, Any], ...] = (
    {"kind": "jingle_open"}, {"kind": "priority"}, {"kind": "campaign_block"}, {"kind": "news"}, {"kind": "jingle_close"},
)
EXTRA_SLOT_TEMPLATE: tuple[dict[str, Any], ...] = ({"kind": "jingle_open"}, {"kind": "campaign_block"}, {"kind": "jingle_close"})
# A filler shorter than this is not worth airing; longer gaps than max_s are left as the programme's end.
MIN_FILLER_S = 1.0
DEFAULT_FILLER_MAX_S = 120.0
EPS = 1e-6


def days(first: date, last: date) -> Iterable[date]:
    """Every local day from first to last inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def vn_date(day: date) -> str:
    """A date as Vietnamese offices write it."""
    return f"{day:%d/%m/%Y}"


# ---------------------------------------------------------------- slots and occurrences


@dataclass(frozen=True)
class SlotRule:
    """The recurrence of a slot, in local wall-clock terms."""

    slot_id: int
    start_time: time
    duration_s: int
    weekdays: str = "1234567"
    valid_from: date | None = None
    valid_to: date | None = None
    exceptions: frozenset[date] = frozenset()
    zone_ids: frozenset[int] = frozenset()  # empty = every zone
    campaign_id: int | None = None  # an extra slot of this campaign, aired only on its dates
    name: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One airing of a slot, in UTC, with the local day it belongs to."""

    slot_id: int
    start: datetime
    end: datetime
    day: date | None = None


def end_of(start: time, duration_s: float) -> time:
    """The wall-clock time a span starting at `start` ends (wrapping past midnight)."""
    return (datetime.combine(date.min, start) + timedelta(seconds=duration_s)).time()


def occurs_on(rule: SlotRule, day: date) -> bool:
    """Whether the slot airs on a local day."""
    if str(day.isoweekday()) not in rule.weekdays:
        return False
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_to and day > rule.valid_to:
        return False
    return day not in rule.exceptions


def extra_slot_span(valid_from: date | None, valid_to: date | None, campaign_start: date, campaign_end: date) -> tuple[date, date]:
    """The first and last day an extra slot can air: its own dates (empty: the campaign's) within the campaign's.

    First after last means no day is left (the campaign's dates moved away from the slot's)."""
    return max(valid_from or campaign_start, campaign_start), min(valid_to or campaign_end, campaign_end)


def occurrences(rules: Sequence[SlotRule], first: date, last: date, tz: ZoneInfo) -> list[Occurrence]:
    """All occurrences of the rules between two local days, sorted by start."""
    found = []
    for day in days(first, last):
        for rule in rules:
            if occurs_on(rule, day):
                start = local_at(day, rule.start_time, tz)
                found.append(Occurrence(rule.slot_id, start, start + timedelta(seconds=rule.duration_s), day))
    return sorted(found, key=lambda o: (o.start, o.slot_id))


def zones_meet(a: Iterable[int], b: Iterable[int]) -> bool:
    """Whether two zone lists share a speaker cluster (an empty list means every zone)."""
    a, b = frozenset(a), frozenset(b)
    return not a or not b or bool(a & b)


def slot_overlap(a: SlotRule, b: SlotRule) -> date | None:
    """The first local day on which two slots are on air at the same time on a shared zone, or None."""
    if not zones_meet(a.zone_ids, b.zone_ids):
        return None
    lows = [d for d in (a.valid_from, b.valid_from) if d]
    highs = [d for d in (a.valid_to, b.valid_to) if d]
    # A slot that runs past midnight reaches into the next day, so look one day either side.
    first = (max(lows) if lows else date(2000, 1, 3)) - timedelta(days=1)
    last = (min(highs) if highs else first + timedelta(days=15)) + timedelta(days=1)
    # A year of days shows any weekly clash; exceptions can only hide a finite number of them.
    last = min(last, first + timedelta(days=370))
    spans: dict[int, list[tuple[datetime, datetime, date]]] = {0: [], 1: []}
    for index, rule in enumerate((a, b)):
        for day in days(first, last):
            if occurs_on(rule, day):
                start = datetime.combine(day, rule.start_time)
                spans[index].append((start, start + timedelta(seconds=rule.duration_s), day))
    for s1, e1, d1 in spans[0]:
        for s2, e2, d2 in spans[1]:
            if s1 < e2 and s2 < e1:
                return max(d1, d2)
    return None


# ---------------------------------------------------------------- content and campaigns


@dataclass(frozen=True)
class Clip:
    """A script that could go on air, with its real rendered duration."""

    ref: int
    title: str
    duration_s: float
    priority: bool = False
    rank: int = 0  # larger is newer
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        """Whether the clip may air on a local day."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class PoolEntry:
    """A script in a campaign pool with its weight."""

    clip: Clip
    weight: float = 1.0


@dataclass(frozen=True)
class CampaignRule:
    """An approved campaign as the planner sees it."""

    campaign_id: int
    slug: str
    start: date
    end: date
    target_kind: str = "minutes_per_day"
    target_value: float = 0.0
    extend_slot_s: int = 0
    min_separation_h: float = 0.0
    pool: tuple[PoolEntry, ...] = ()
    urgent: bool = False  # campaign priority above normal: its block is filled first
    windows: tuple[TimeWindow, ...] = ()  # when in the day its content may air; empty = any slot

    def active_on(self, day: date) -> bool:
        """Whether the campaign runs on a local day (its windows may still leave the day off)."""
        return self.start <= day <= self.end

    def allows(self, rule: SlotRule, day: date) -> bool:
        """Whether the campaign's windows let this slot carry it on a local day."""
        return eligible(self.windows, day, rule.start_time, rule.duration_s)

    @property
    def target(self) -> CampaignTarget:
        """The campaign's target, as the daily need rule reads it."""
        return CampaignTarget(self.target_kind, self.target_value, self.windows)


@dataclass(frozen=True)
class AssetClip:
    """A station audio asset (jingle, separator, filler)."""

    ref: int
    title: str
    duration_s: float


@dataclass(frozen=True)
class Assets:
    """The station's jingles, separator and filler (any may be missing)."""

    jingle_open: AssetClip | None = None
    jingle_close: AssetClip | None = None
    separator: AssetClip | None = None
    filler: AssetClip | None = None


@dataclass(frozen=True)
class Played:
    """A campaign play that already happened or was fixed by hand (rotation history)."""

    campaign_id: int
    script_id: int
    duration_s: float
    at: datetime


@dataclass(frozen=True)
class PlannedItem:
    """One item of a planned programme; offset is filled in by layout."""

    kind: str  # jingle_open | jingle_close | separator | relay | script | filler
    ref: int | None
    title: str
    duration_s: float
    reason: str = ""
    campaign_id: int | None = None
    url: str = ""
    offset_s: float = 0.0

    @property
    def item_type(self) -> str:
        """The stored ItemType value of this item."""
        return {"jingle_open": "jingle", "jingle_close": "jingle", "separator": "jingle"}.get(self.kind, self.kind)


class ProblemKind(StrEnum):
    """What a planning problem is about: callers route by it, never by the sentence's wording."""

    LEFT_OUT = "left_out"  # an item did not fit its broadcast
    SHORTFALL = "shortfall"  # a campaign fell short of its target on a day
    NO_AUDIO = "no_audio"  # an approved script has no audio yet
    DATES = "dates"  # a campaign ends before it starts
    WINDOW_UNMET = "window_unmet"  # a campaign window meets no broadcast able to carry it
    EXTRA_OUTSIDE_WINDOWS = "extra_outside_windows"  # an extra slot lies outside the campaign's windows
    NOT_CARRIED = "not_carried"  # no broadcast on any campaign day has a campaign block
    DAYS_UNCOVERED = "days_uncovered"  # some campaign days have no broadcast with a campaign block
    OVER_CAPACITY = "over_capacity"  # the target needs more airtime than the carrying broadcasts have free
    EXTENSION_CLASH = "extension_clash"  # an extended broadcast runs into the next one on a shared zone
    EMPTY_POOL = "empty_pool"  # a campaign has no approved script to air


@dataclass(frozen=True)
class Problem:
    """Something a plan could not do: the local day it concerns (None: no day in particular), its kind, one sentence for people."""

    day: date | None
    kind: ProblemKind
    text: str


LEFT_OUT, SHORTFALL, NO_AUDIO = ProblemKind.LEFT_OUT, ProblemKind.SHORTFALL, ProblemKind.NO_AUDIO


@dataclass
class BroadcastPlan:
    """A planned programme of one occurrence, and what did not fit in it."""

    occurrence: Occurrence
    capacity_s: float
    items: list[PlannedItem] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)
    frozen: bool = False

    def leave_out(self, text: str) -> None:
        """Report an item that did not fit, on the occurrence's day."""
        self.left_out.append(Problem(self.occurrence.day, LEFT_OUT, text))

    @property
    def used_s(self) -> float:
        """Seconds the programme lasts."""
        return sum(i.duration_s for i in self.items)


@dataclass
class Rotation:
    """Rotation state of one campaign: plays per script and when each last aired."""

    plays: Counter[int] = field(default_factory=Counter)
    last: dict[int, datetime] = field(default_factory=dict)
    total_plays: int = 0

    def record(self, script_id: int, at: datetime) -> None:
        """Count one play."""
        self.plays[script_id] += 1
        self.total_plays += 1
        self.last[script_id] = at


def rotation_order(pool: Sequence[PoolEntry], state: Rotation, at: datetime, min_separation_h: float, in_broadcast: Counter[int]) -> list[PoolEntry]:
    """Pool entries that may air now, best first (least aired per weight, least recent, priority, newest)."""
    separation = timedelta(hours=min_separation_h)
    eligible = [e for e in pool if min_separation_h <= 0 or e.clip.ref not in state.last or at - state.last[e.clip.ref] >= separation]
    # No script twice in one broadcast unless every eligible one is already in it (pool too small).
    fresh = [e for e in eligible if not in_broadcast[e.clip.ref]]
    if fresh:
        eligible = fresh
    # Every pool script airs before any airs a third time.
    if any(state.plays[e.clip.ref] == 0 for e in pool):
        eligible = [e for e in eligible if state.plays[e.clip.ref] < 2]
    never = datetime.min.replace(tzinfo=at.tzinfo)

    def key(e: PoolEntry) -> tuple:
        plays = state.plays[e.clip.ref]
        return ((plays + 1) / max(e.weight, 0.01), state.last.get(e.clip.ref, never), not e.clip.priority, -e.clip.rank, e.clip.ref)

    return sorted(eligible, key=key)


# ---------------------------------------------------------------- fitting


def _part_campaign(part: Mapping[str, Any]) -> str | None:
    return part.get("campaign") or None


class Programme:
    """Sections of a programme in template order; knows its length with separators and can test a fit."""

    def __init__(self, template: Sequence[Mapping[str, Any]], assets: Assets, capacity_s: float):
        self.template = list(template)
        self.assets = assets
        self.capacity_s = capacity_s
        self.sections: list[list[PlannedItem]] = [[] for _ in self.template]
        self.filler: PlannedItem | None = None

    def layout(self) -> list[PlannedItem]:
        """The items in air order, separators only where content stands on both sides, offsets set."""
        offset = 0.0
        placed = []
        for item in self._ordered():
            placed.append(replace(item, offset_s=offset))
            offset += item.duration_s
        return placed

    def _ordered(self) -> list[PlannedItem]:
        """The items in air order, without offsets."""
        content_after = [False] * (len(self.template) + 1)
        for index in range(len(self.template) - 1, -1, -1):
            part = self.template[index]
            if part["kind"] == "separator":
                content_after[index] = False
            else:
                content_after[index] = content_after[index + 1] or (part["kind"] in CONTENT_KINDS and bool(self.sections[index]))
        items: list[PlannedItem] = []
        content_before = False
        for index, part in enumerate(self.template):
            kind = part["kind"]
            if kind == "separator":
                if content_before and content_after[index + 1] and self.assets.separator:
                    sep = self.assets.separator
                    items.append(PlannedItem("separator", sep.ref, sep.title, sep.duration_s, "nhạc chuyển giữa hai phần"))
                content_before = False
            elif kind == "filler":
                if self.filler:
                    items.append(self.filler)
            else:
                items.extend(self.sections[index])
                content_before = content_before or (kind in CONTENT_KINDS and bool(self.sections[index]))
        return items

    def length(self) -> float:
        """Seconds the programme lasts as laid out now."""
        return sum(i.duration_s for i in self._ordered())

    def try_add(self, index: int, item: PlannedItem) -> bool:
        """Append an item to a section if the whole programme still fits the slot."""
        self.sections[index].append(item)
        if self.length() <= self.capacity_s + EPS:
            return True
        self.sections[index].pop()
        return False

    def fill_gap(self) -> None:
        """Fill a short gap before the slot end with the station's filler, where the template asks for it."""
        parts = [p for p in self.template if p["kind"] == "filler"]
        if not parts or self.assets.filler is None:
            return
        gap = math.floor((self.capacity_s - self.length()) * 100) / 100
        asset = self.assets.filler
        if MIN_FILLER_S <= gap <= float(parts[0].get("max_s", DEFAULT_FILLER_MAX_S)):
            gap = min(gap, asset.duration_s)
            self.filler = PlannedItem("filler", asset.ref, asset.title, gap, "nhạc nền lấp khoảng trống cuối buổi")


def fixed_seconds(template: Sequence[Mapping[str, Any]], assets: Assets) -> float:
    """Seconds a template takes before any content: jingles and relays."""
    total = 0.0
    for part in template:
        kind = part["kind"]
        if kind in ("jingle_open", "jingle_close") and getattr(assets, kind):
            total += getattr(assets, kind).duration_s
        elif kind == "relay":
            total += float(part.get("seconds", 0))
    return total


def carries(template: Sequence[Mapping[str, Any]], rule: SlotRule, campaign: CampaignRule) -> bool:
    """Whether a slot's programme has a block this campaign can fill."""
    if rule.campaign_id is not None and rule.campaign_id != campaign.campaign_id:
        return False
    return any(p["kind"] == "campaign_block" and _part_campaign(p) in (None, campaign.slug) for p in template)


def carries_on(template: Sequence[Mapping[str, Any]], rule: SlotRule, campaign: CampaignRule, day: date) -> bool:
    """Whether a slot carries the campaign on a local day: a campaign block, and a time inside one of its windows."""
    return carries(template, rule, campaign) and campaign.allows(rule, day)


def carried_seconds(campaign: CampaignRule, rule: SlotRule, occ: Occurrence) -> float:
    """Seconds a broadcast carrying the campaign lasts: its slot, plus the campaign's extension unless it is an extra slot."""
    return (occ.end - occ.start).total_seconds() + (campaign.extend_slot_s if rule.campaign_id is None else 0)


def _who(occ: Occurrence, tz: ZoneInfo, name: str) -> str:
    return f"{occ.start.astimezone(tz):%d/%m/%Y %H:%M} {name}".rstrip()


# ---------------------------------------------------------------- planning a range


@dataclass
class PlanInputs:
    """Everything the planner needs, already read from the database."""

    slots: Sequence[SlotRule]
    templates: Mapping[int, Sequence[Mapping[str, Any]]]  # slot_id -> clock
    campaigns: Sequence[CampaignRule]
    assets: Assets
    clips: Sequence[Clip]  # approved non-pool scripts with audio (priority and news)
    tz: ZoneInfo
    frozen: Mapping[tuple[int, datetime], Sequence[Played]] = field(default_factory=dict)
    # Central bulletins kept in one occurrence each: (slot_id, start) -> clips (priority ones go first in it).
    pinned: Mapping[tuple[int, datetime], Sequence[Clip]] = field(default_factory=dict)
    # Bulletins looking for a place: each goes into the first occurrence after its instant that has room.
    floating: Sequence[Floating] = ()


@dataclass(frozen=True)
class Floating:
    """A bulletin not yet placed: the first occurrence from `not_before` on the same zones with room takes it."""

    clip: Clip
    not_before: datetime
    zone_ids: frozenset[int] = frozenset()  # empty = every zone; must equal the slot's zones


@dataclass
class RangePlan:
    """The plans of a range and the problems found, each with its day."""

    plans: list[BroadcastPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def template_of(inputs: PlanInputs, rule: SlotRule) -> Sequence[Mapping[str, Any]]:
    """The clock of a slot (extra campaign slots default to jingles around a campaign block)."""
    template = inputs.templates.get(rule.slot_id)
    if template:
        return template
    return EXTRA_SLOT_TEMPLATE if rule.campaign_id is not None else DEFAULT_TEMPLATE


def plan_range(inputs: PlanInputs, first: date, last: date) -> RangePlan:
    """Plan every occurrence between two local days, carrying rotation and daily quotas in order."""
    result = RangePlan()
    rules = {r.slot_id: r for r in inputs.slots}
    campaigns = sorted(inputs.campaigns, key=lambda c: (not c.urgent, c.start, c.campaign_id))
    by_id = {c.campaign_id: c for c in campaigns}
    rotations: dict[int, Rotation] = defaultdict(Rotation)
    waiting = list(inputs.floating)
    by_day: dict[date, list[Occurrence]] = defaultdict(list)
    for occ in occurrences(list(inputs.slots), first, last, inputs.tz):
        rule = rules[occ.slot_id]
        if rule.campaign_id is not None:
            extra_of = by_id.get(rule.campaign_id)
            if extra_of is None or not extra_of.active_on(occ.day):
                continue  # an extra slot airs only on its approved campaign's dates
        by_day[occ.day].append(occ)
    for day in days(first, last):
        today = by_day.get(day, [])
        active = [c for c in campaigns if c.active_on(day)]
        aired_s: Counter[int] = Counter()
        aired_plays: Counter[int] = Counter()
        carriers = {c.campaign_id: [o for o in today if carries_on(template_of(inputs, rules[o.slot_id]), rules[o.slot_id], c, day)] for c in active}
        for occ in today:
            rule = rules[occ.slot_id]
            template = template_of(inputs, rule)
            frozen = inputs.frozen.get((occ.slot_id, occ.start))
            if frozen is not None:
                for play in frozen:
                    if play.campaign_id in by_id:
                        rotations[play.campaign_id].record(play.script_id, play.at)
                        aired_s[play.campaign_id] += play.duration_s
                        aired_plays[play.campaign_id] += 1
                result.plans.append(BroadcastPlan(occ, (occ.end - occ.start).total_seconds(), frozen=True))
                continue
            plan = _plan_one(inputs, rule, template, occ, active, carriers, rotations, aired_s, aired_plays, waiting)
            result.plans.append(plan)
        for campaign in active:
            shortfall = _shortfall(campaign, day, carriers[campaign.campaign_id], aired_s, aired_plays, rotations)
            if shortfall:
                result.problems.append(Problem(day, SHORTFALL, shortfall))
    return result


def _plan_one(
    inputs: PlanInputs, rule: SlotRule, template: Sequence[Mapping[str, Any]], occ: Occurrence, active: Sequence[CampaignRule],
    carriers: Mapping[int, list[Occurrence]], rotations: dict[int, Rotation], aired_s: Counter[int], aired_plays: Counter[int],
    waiting: list[Floating] | None = None,
) -> BroadcastPlan:
    """Plan one occurrence: fixed parts, priority bulletins, campaign blocks, news, then the filler."""
    day = occ.day or occ.start.astimezone(inputs.tz).date()
    pinned = list(inputs.pinned.get((occ.slot_id, occ.start), ()))
    candidates = [f for f in waiting or () if f.not_before <= occ.start and f.zone_ids == rule.zone_ids]
    carried = [c for c in active if occ in carriers[c.campaign_id]]
    extend = 0 if rule.campaign_id is not None else max((c.extend_slot_s for c in carried), default=0)
    capacity = (occ.end - occ.start).total_seconds() + extend
    occ = replace(occ, end=occ.start + timedelta(seconds=capacity))
    programme = Programme(template, inputs.assets, capacity)
    plan = BroadcastPlan(occ, capacity)
    where = _who(occ, inputs.tz, rule.name)
    # Fixed parts first: a clock that cannot hold its own jingles and relays is reported, not overrun.
    for index, part in enumerate(template):
        kind = part["kind"]
        item = None
        if kind in ("jingle_open", "jingle_close") and getattr(inputs.assets, kind):
            asset = getattr(inputs.assets, kind)
            item = PlannedItem(kind, asset.ref, asset.title, asset.duration_s, "nhạc hiệu mở đầu" if kind == "jingle_open" else "nhạc hiệu kết thúc")
        elif kind == "relay":
            title = part.get("title") or "Tiếp sóng"
            item = PlannedItem("relay", None, title, float(part.get("seconds", 0)), f"tiếp sóng {part.get('url', '')} theo chương trình", url=str(part.get("url", "")))
        if item and not programme.try_add(index, item):
            plan.leave_out(f"{where}: «{item.title}» ({item.duration_s:.0f} giây) không vừa thời lượng buổi phát.")
    clips_today = [c for c in inputs.clips if c.valid_on(day)]
    newest_first = lambda c: (-c.rank, c.ref)  # noqa: E731
    _place_bulletins(programme, plan, template, where, [c for c in pinned if c.priority], [f for f in candidates if f.clip.priority], waiting, True)
    for index, part in enumerate(template):
        if part["kind"] != "priority":
            continue
        for clip in sorted((c for c in clips_today if c.priority), key=newest_first):
            item = PlannedItem("script", clip.ref, clip.title, clip.duration_s, "tin ưu tiên: đầu chương trình")
            if not programme.try_add(index, item):
                plan.leave_out(f"{where}: tin ưu tiên «{clip.title}» ({clip.duration_s:.0f} giây) không vừa thời lượng buổi phát.")
    for index, part in enumerate(template):
        if part["kind"] != "campaign_block":
            continue
        for campaign in carried:
            if _part_campaign(part) not in (None, campaign.slug):
                continue
            _fill_block(programme, index, campaign, occ, carriers[campaign.campaign_id], rotations[campaign.campaign_id], aired_s, aired_plays, day,
                        _window_note(campaign, rule, day))
    _place_bulletins(programme, plan, template, where, [c for c in pinned if not c.priority], [f for f in candidates if not f.clip.priority], waiting, False)
    for index, part in enumerate(template):
        if part["kind"] != "news":
            continue
        for clip in sorted((c for c in clips_today if not c.priority), key=newest_first):
            item = PlannedItem("script", clip.ref, clip.title, clip.duration_s, "tin trong ngày")
            if not programme.try_add(index, item):
                plan.leave_out(f"{where}: bài «{clip.title}» ({clip.duration_s:.0f} giây) không vừa thời lượng buổi phát.")
    programme.fill_gap()
    plan.items = programme.layout()
    return plan


def bulletin_section(template: Sequence[Mapping[str, Any]], priority: bool) -> int:
    """Where a central bulletin goes in a clock: the priority (or news) part, else right after the opening or before the closing."""
    wanted = "priority" if priority else "news"
    for index, part in enumerate(template):
        if part["kind"] == wanted:
            return index
    if priority:
        return next((n for n, p in enumerate(template) if p["kind"] == "jingle_open"), 0)
    tail = [n for n, p in enumerate(template) if p["kind"] not in ("jingle_close", "filler")]
    return tail[-1] if tail else 0


def _place_bulletins(programme: Programme, plan: BroadcastPlan, template: Sequence[Mapping[str, Any]], where: str,
                     pinned: Sequence[Clip], candidates: Sequence[Floating], waiting: list[Floating] | None, priority: bool) -> None:
    """Central bulletins of this occurrence first in their section: the pinned ones, then waiting ones that fit."""
    index = bulletin_section(template, priority)
    reason = "bản tin tỉnh/huyện ưu tiên: đầu chương trình" if priority else "bản tin tỉnh/huyện"
    for clip in pinned:
        if not programme.try_add(index, PlannedItem("script", clip.ref, clip.title, clip.duration_s, reason)):
            plan.leave_out(f"{where}: bản tin tỉnh/huyện «{clip.title}» ({clip.duration_s:.0f} giây) không vừa thời lượng buổi phát.")
    for floating in candidates:
        clip = floating.clip
        if programme.try_add(index, PlannedItem("script", clip.ref, clip.title, clip.duration_s, reason)) and waiting is not None:
            waiting.remove(floating)


def _quota(campaign: CampaignRule, occ: Occurrence, carriers: Sequence[Occurrence], capacity: float,
           aired_s: Counter[int], rotation: Rotation, day: date) -> tuple[str, float, bool]:
    """How much of the campaign this broadcast should carry: ('s' or 'plays', amount, last of the day)."""
    remaining = [o for o in carriers if o.start >= occ.start]
    count = max(len(remaining), 1)
    last = count == 1
    if campaign.target_kind == "share_of_slot":
        # The day needs its share of every carrying broadcast: each one carries its own share of itself.
        return "s", daily_need_s(campaign.target, day, slot_seconds=capacity), True
    if campaign.target_kind == "plays_per_script_week":
        return "plays", max(0, plays_due(campaign, day) - rotation.total_plays) / count, last
    return "s", max(0.0, daily_need_s(campaign.target, day) - aired_s[campaign.campaign_id]) / count, last


def plays_due(campaign: CampaignRule, day: date) -> int:
    """Plays the campaign owes from its first day through this one, rounded up to whole plays."""
    return math.ceil(_plays_owed(campaign.target, campaign.start, len(campaign.pool), day) - EPS)


@lru_cache(maxsize=4096)
def _plays_owed(target: CampaignTarget, start: date, pool_size: int, day: date) -> float:
    """The need from start through day counted in plays, one day on from the day before (planning walks day by day)."""
    if day < start:
        return 0.0
    # The need is linear in the scripts' lengths: with every pool script one unit long it counts plays.
    return _plays_owed(target, start, pool_size, day - timedelta(days=1)) + daily_need_s(target, day, script_seconds=[1.0] * pool_size)


def _window_note(campaign: CampaignRule, rule: SlotRule, day: date) -> str:
    """Why the windows let this broadcast carry the campaign ('' when the campaign has none)."""
    window = allows(campaign.windows, day, rule.start_time, rule.duration_s)
    return f", trong khung giờ {window.label()}" if window else ""


def _fill_block(programme: Programme, index: int, campaign: CampaignRule, occ: Occurrence, carriers: Sequence[Occurrence],
                rotation: Rotation, aired_s: Counter[int], aired_plays: Counter[int], day: date, note: str = "") -> None:
    """Fill a campaign block from the pool by rotation up to this broadcast's share of the target."""
    unit, share, last = _quota(campaign, occ, carriers, programme.capacity_s, aired_s, rotation, day)
    if share <= EPS or not campaign.pool:
        return
    in_broadcast: Counter[int] = Counter()
    got = 0.0
    while True:
        options = rotation_order(campaign.pool, rotation, occ.start, campaign.min_separation_h, in_broadcast)
        placed = None
        for entry in options:
            size = entry.clip.duration_s if unit == "s" else 1.0
            # The last broadcast of the day makes sure the target is met; earlier ones stop nearest to their share.
            if not last and got + size / 2 > share + EPS and got > 0:
                return
            reason = f"chiến dịch {campaign.slug}: lần phát thứ {rotation.plays[entry.clip.ref] + 1}, xoay vòng đều{note}"
            item = PlannedItem("script", entry.clip.ref, entry.clip.title, entry.clip.duration_s, reason, campaign.campaign_id)
            if programme.try_add(index, item):
                placed = entry
                break
        if placed is None:
            return
        in_broadcast[placed.clip.ref] += 1
        # Remember when the item really starts: separation is checked from the next broadcast's start,
        # so the real gap between two airings of a script is never shorter than the minimum.
        ordered = programme._ordered()
        offset = sum(i.duration_s for i in ordered[:next(n for n, i in enumerate(ordered) if i is item)])
        rotation.record(placed.clip.ref, occ.start + timedelta(seconds=offset))
        aired_s[campaign.campaign_id] += placed.clip.duration_s
        aired_plays[campaign.campaign_id] += 1
        got += placed.clip.duration_s if unit == "s" else 1.0
        if got >= share - EPS:
            return


def _shortfall(campaign: CampaignRule, day: date, carriers: Sequence[Occurrence], aired_s: Counter[int],
               aired_plays: Counter[int], rotations: Mapping[int, Rotation]) -> str | None:
    """A sentence when a day's campaign airtime falls short of the target."""
    if not on_day(campaign.windows, day):
        return None  # no window on this weekday: the campaign is off today by design
    if not carriers:
        return f"Ngày {vn_date(day)}: chiến dịch {campaign.slug} không có buổi phát nào có khối chiến dịch, nên không được phát."
    if not campaign.pool:
        return f"Ngày {vn_date(day)}: chiến dịch {campaign.slug} không có bài nào đã duyệt và có âm thanh để phát."
    if campaign.target_kind == "minutes_per_day":
        if aired_s[campaign.campaign_id] + EPS < daily_need_s(campaign.target, day):
            return (f"Ngày {vn_date(day)}: chiến dịch {campaign.slug} chỉ phát được {vn_minutes(aired_s[campaign.campaign_id])} phút, "
                    f"chưa đạt chỉ tiêu {campaign.target_value:g} phút/ngày: hãy kéo dài buổi phát, bớt bài khác hoặc thêm buổi phát.")
    if campaign.target_kind == "plays_per_script_week":
        due = plays_due(campaign, day)
        if rotations[campaign.campaign_id].total_plays < due:
            return (f"Ngày {vn_date(day)}: chiến dịch {campaign.slug} mới phát {rotations[campaign.campaign_id].total_plays} lượt, "
                    f"chưa đạt chỉ tiêu {campaign.target_value:g} lượt mỗi bài mỗi tuần ({due} lượt đến hết ngày): hãy thêm thời lượng.")
    return None


# ---------------------------------------------------------------- feasibility of a campaign


def _end_hhmm(rule: SlotRule) -> str:
    return f"{end_of(rule.start_time, rule.duration_s):%H:%M}"


def campaign_problems(campaign: CampaignRule, slots: Sequence[SlotRule], templates: Mapping[int, Sequence[Mapping[str, Any]]],
                      assets: Assets, tz: ZoneInfo, pool_seconds: Sequence[float] = ()) -> list[Problem]:
    """Why a campaign cannot be carried as stated: dates, days outside any slot, targets beyond capacity, extensions that collide."""
    if campaign.end < campaign.start:
        return [Problem(None, ProblemKind.DATES,
                        f"Chiến dịch {campaign.slug} kết thúc ({vn_date(campaign.end)}) trước khi bắt đầu ({vn_date(campaign.start)}): hãy sửa lại ngày.")]
    inputs = PlanInputs(slots, templates, [campaign], assets, [], tz)
    rules = {r.slot_id: r for r in slots}
    problems: list[Problem] = []
    uncovered: list[date] = []
    short: list[tuple[date, float, float, list[str]]] = []
    clashes: list[Problem] = []
    on_days = 0
    met: set[TimeWindow] = set()  # windows that meet at least one slot able to carry the campaign
    capable: dict[int, SlotRule] = {}
    extras_seen: set[int] = set()
    extras_ok: set[int] = set()
    for day in days(campaign.start, campaign.end):
        today = [o for o in occurrences(list(slots), day, day, tz)
                 if rules[o.slot_id].campaign_id in (None, campaign.campaign_id)]
        for occ in today:
            rule = rules[occ.slot_id]
            if carries(template_of(inputs, rule), rule, campaign):
                capable[rule.slot_id] = rule
                met.update(w for w in campaign.windows if w.meets(day, rule.start_time, rule.duration_s))
                if rule.campaign_id is not None:
                    extras_seen.add(rule.slot_id)
                    if campaign.allows(rule, day):
                        extras_ok.add(rule.slot_id)
        carrying = [o for o in today if carries_on(template_of(inputs, rules[o.slot_id]), rules[o.slot_id], campaign, day)]
        if not on_day(campaign.windows, day):
            continue  # no window on this weekday: the campaign is off today by design
        on_days += 1
        if not carrying:
            uncovered.append(day)
            continue
        slot_s = sum(carried_seconds(campaign, rules[o.slot_id], o) for o in carrying)
        free = slot_s - sum(fixed_seconds(template_of(inputs, rules[o.slot_id]), assets) for o in carrying)
        need = daily_need_s(campaign.target, day, slot_s, pool_seconds)
        if need > free + EPS:
            short.append((day, need, free, [rules[o.slot_id].name for o in carrying]))
        if campaign.extend_slot_s:
            spans = [(o, o.end + timedelta(seconds=campaign.extend_slot_s if rules[o.slot_id].campaign_id is None and o in carrying else 0)) for o in today]
            for occ, end in spans:
                for other, _ in spans:
                    if other is not occ and occ.start < other.start < end and zones_meet(rules[occ.slot_id].zone_ids, rules[other.slot_id].zone_ids):
                        clashes.append(Problem(day, ProblemKind.EXTENSION_CLASH,
                                               f"Ngày {vn_date(day)}: buổi {rules[occ.slot_id].name} kéo dài thêm {campaign.extend_slot_s // 60} phút "
                                               f"sẽ chồng lên buổi {rules[other.slot_id].name} lúc {other.start.astimezone(tz):%H:%M}: "
                                               "hãy giảm thời gian kéo dài hoặc dời buổi sau."))
    for window in campaign.windows:
        if window not in met:
            where = ", ".join(f"{r.name} {r.start_time:%H:%M}–{_end_hhmm(r)}" for r in sorted(capable.values(), key=lambda r: (r.start_time, r.slot_id)))
            problems.append(Problem(None, ProblemKind.WINDOW_UNMET, f"Khung giờ {window.label()} không trùng buổi phát nào của đài: "
                                    + (f"các buổi có khối chiến dịch là {where}" if where else "đài chưa có buổi phát nào có khối chiến dịch")
                                    + f" trong thời gian chiến dịch {campaign.slug}; hãy sửa khung giờ."))
    for slot_id in sorted(extras_seen - extras_ok):
        rule = rules[slot_id]
        problems.append(Problem(None, ProblemKind.EXTRA_OUTSIDE_WINDOWS,
                                f"Buổi phát thêm {rule.name} ({rule.start_time:%H:%M}–{_end_hhmm(rule)}) nằm ngoài các khung giờ của chiến dịch "
                                f"{campaign.slug}: hãy thêm khung giờ trùng buổi này hoặc dời giờ buổi phát thêm."))
    if uncovered:
        span = f"{vn_date(uncovered[0])}" + (f" và {len(uncovered) - 1} ngày khác" if len(uncovered) > 1 else "")
        if len(uncovered) == on_days:
            problems.append(Problem(None, ProblemKind.NOT_CARRIED,
                                    f"Chiến dịch {campaign.slug} ({vn_date(campaign.start)}–{vn_date(campaign.end)}) không rơi vào buổi phát nào "
                                    "có khối chiến dịch: hãy thêm khối chiến dịch vào chương trình của một buổi phát hoặc tạo buổi phát thêm cho chiến dịch."))
        else:
            problems.append(Problem(uncovered[0], ProblemKind.DAYS_UNCOVERED,
                                    f"Chiến dịch {campaign.slug} không có buổi phát nào ngày {span}: hãy thêm buổi phát cho những ngày đó hoặc sửa ngày chiến dịch."))
    if short:
        day, need, free, names = short[0]
        more = f" (và {len(short) - 1} ngày khác)" if len(short) > 1 else ""
        if campaign.target_kind == "minutes_per_day":
            what = f"chỉ tiêu {campaign.target_value:g} phút/ngày"
        else:
            what = f"chỉ tiêu {campaign.target_value:g} {TARGET_LABELS[campaign.target_kind]} (khoảng {vn_minutes(need, 0)} phút/ngày)"
        problems.append(Problem(day, ProblemKind.OVER_CAPACITY,
                                f"Ngày {vn_date(day)}{more}: {what} của chiến dịch {campaign.slug} vượt quá {vn_minutes(free, 0)} phút còn trống "
                                f"trong {', '.join(names)}: hãy giảm chỉ tiêu, kéo dài buổi phát hoặc thêm buổi phát."))
    if clashes:
        problems.append(clashes[0])
    return problems


def carrying_seconds(campaign: CampaignRule, slots: Sequence[SlotRule], templates: Mapping[int, Sequence[Mapping[str, Any]]],
                     tz: ZoneInfo) -> dict[date, float]:
    """Seconds of the broadcasts that carry the campaign on each of its days: what a share target is a share of."""
    inputs = PlanInputs(slots, templates, [campaign], Assets(), [], tz)
    rules = {r.slot_id: r for r in slots}
    found = {day: 0.0 for day in days(campaign.start, campaign.end)}
    for occ in occurrences(list(slots), campaign.start, campaign.end, tz):
        rule = rules[occ.slot_id]
        if occ.day is not None and carries_on(template_of(inputs, rule), rule, campaign, occ.day):
            found[occ.day] += carried_seconds(campaign, rule, occ)
    return found
