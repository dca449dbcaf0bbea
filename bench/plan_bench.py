"""Planning benchmarks: a campaign month for one commune and for a province of 500 communes × 8 zones."""
# Run: python -m bench.plan_bench [--communes 500]
# The province figure measures the pure planner (broadcast.planning.planner.plan_range) over synthetic
# in-memory stations: planning is per station and shares nothing between stations, so a province
# is 500 independent commune plans, and the database round trips of one commune are measured
# separately (plan_month_commune_db_s) in a temporary SQLite file with the same synthetic data.
# Baselines in the same run: `naive_daily_replay_s` plans the month one day at a time, each day
# replaying its campaign from the first day (what a day-by-day caller costs); the DB figures show
# what the operator really waits for, and `replan_unchanged_db_s` the scheduler's periodic re-plan.

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import wave
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from broadcast.planning.planner import (  # noqa: E402
    DEFAULT_TEMPLATE,
    AssetClip,
    Assets,
    CampaignRule,
    Clip,
    PlanInputs,
    PoolEntry,
    SlotRule,
    plan_range,
)
from broadcast.timeutil import VN_TZ  # noqa: E402

FIRST, LAST = date(2024, 11, 15), date(2024, 12, 15)
ZONES = 8
POOL = 14
NEWS = 10


def commune_inputs(seed: int) -> PlanInputs:
    """A synthetic commune: 2 daily slots, a Saturday extra slot on half the zones, a 14-script pool, 10 news items."""
    rng = random.Random(seed)
    zones = list(range(seed * ZONES + 1, seed * ZONES + ZONES + 1))
    slots = [
        SlotRule(seed * 10 + 1, dtime(5, 30), 1800, name="Buổi sáng"),
        SlotRule(seed * 10 + 2, dtime(17, 0), 1800, name="Buổi chiều"),
        SlotRule(seed * 10 + 3, dtime(19, 0), 900, weekdays="6", zone_ids=frozenset(zones[:4]), campaign_id=seed, name="Buổi thêm"),
    ]
    pool = tuple(PoolEntry(Clip(seed * 100 + n, f"bài {n}", rng.uniform(90, 150), priority=n < 3, rank=n), rng.choice((1.0, 1.0, 2.0)))
                 for n in range(POOL))
    campaign = CampaignRule(seed, f"bdg-{seed}", FIRST, LAST, "minutes_per_day", 10.0, 300, 6.0, pool)
    news = [Clip(seed * 100 + 50 + n, f"tin {n}", rng.uniform(40, 120), priority=n == 0, rank=50 + n,
                 valid_from=FIRST + timedelta(days=3 * n), valid_to=FIRST + timedelta(days=3 * n + 4)) for n in range(NEWS)]
    assets = Assets(AssetClip(1, "mở", 5.0), AssetClip(2, "kết", 5.5), AssetClip(3, "chuyển", 3.0), AssetClip(4, "nền", 180.0))
    templates = {slots[0].slot_id: [*DEFAULT_TEMPLATE[:-1], {"kind": "filler", "max_s": 60}, DEFAULT_TEMPLATE[-1]]}
    return PlanInputs(slots, templates, [campaign], assets, news, VN_TZ)


def _timed(fn: Callable[[], Any], repeats: int = 1) -> float:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def _peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 2**20, 2)


def pure_figures(communes: int = 500) -> dict[str, float]:
    """Pure planner: one commune, a province, and the day-by-day replay baseline."""
    one = commune_inputs(1)
    province = [commune_inputs(n) for n in range(1, communes + 1)]

    def plan_province() -> list[Any]:
        return [plan_range(inputs, FIRST, LAST) for inputs in province]  # kept, as a province server would hold them

    def naive_daily() -> None:
        day = FIRST
        while day <= LAST:
            plan_range(one, FIRST, day)  # replays the campaign from its first day to keep the rotation
            day += timedelta(days=1)

    plans = plan_range(one, FIRST, LAST).plans
    province_key = "plan_month_province" if communes == 500 else f"plan_month_{communes}_communes"  # a province is 500
    return {
        "plan_month_commune_s": round(_timed(lambda: plan_range(one, FIRST, LAST), 5), 4),
        "plan_month_commune_peak_mb": _peak_mb(lambda: plan_range(one, FIRST, LAST)),
        f"{province_key}_s": round(_timed(plan_province), 3),
        f"{province_key}_peak_mb": _peak_mb(plan_province),
        "naive_daily_replay_s": round(_timed(naive_daily), 4),
        "broadcasts_per_commune_month": len(plans),
        "communes": communes,
        "zones_per_commune": ZONES,
    }


def _silence(path: Path, seconds: float) -> None:
    """A canonical WAV of silence (written with the wave module: no ffmpeg needed for a planning bench)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(b"\0\0" * int(seconds * 48000))


def db_figures(tmp: Path) -> dict[str, float]:
    """The full path for one commune in a temporary SQLite file: read inputs, plan, write broadcasts."""
    from broadcast.config import load_settings
    from broadcast.db import make_engine, make_session_factory, transaction, upgrade
    from broadcast.models import (Asset, Campaign, CampaignScript, ContentStatus, ProgrammeTemplate, Render, Script, Slot,
                                  Station, Zone)
    from broadcast.planning.programmes import plan_days

    settings = load_settings(env={}, data_dir=str(tmp / "var"))
    engine = make_engine(settings.db_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    wav = tmp / "one.wav"
    _silence(wav, 1.0)
    synthetic = commune_inputs(1)
    with transaction(factory) as s:
        st = Station(slug="bench", name="Xã thử")
        s.add(st)
        s.flush()
        for n in range(ZONES):
            s.add(Zone(station_id=st.id, code=f"thon-{n}", name=f"Thôn {n}", position=n))
        tpl = ProgrammeTemplate(station_id=st.id, name="Thường ngày", items=list(DEFAULT_TEMPLATE))
        s.add(tpl)
        s.flush()
        camp = Campaign(station_id=st.id, slug="bdg", name="Tháng hành động", start_date=FIRST, end_date=LAST, target_value=10.0,
                        extend_slot_s=300, min_separation_h=6.0, status=ContentStatus.APPROVED)
        s.add(camp)
        s.flush()
        for rule in synthetic.slots[:2]:
            s.add(Slot(station_id=st.id, name=rule.name, start_time=rule.start_time, duration_s=rule.duration_s, template_id=tpl.id))
        for kind, clip in (("jingle_open", synthetic.assets.jingle_open), ("jingle_close", synthetic.assets.jingle_close)):
            s.add(Asset(station_id=st.id, kind=kind, name=clip.title, path=str(wav), duration_s=clip.duration_s))
        clips = [(e.clip, e.weight, True) for e in synthetic.campaigns[0].pool] + [(c, 1.0, False) for c in synthetic.clips]
        for clip, weight, pooled in clips:
            script = Script(station_id=st.id, title=clip.title, body="…", status=ContentStatus.APPROVED, valid_from=clip.valid_from, valid_to=clip.valid_to)
            s.add(script)
            s.flush()
            s.add(Render(station_id=st.id, script_id=script.id, script_version=1, cache_key=f"k{script.id}", path=str(wav), engine="espeak",
                         duration_s=clip.duration_s))
            if pooled:
                s.add(CampaignScript(station_id=st.id, campaign_id=camp.id, script_id=script.id, weight=weight))
    before = datetime(2024, 11, 1, tzinfo=timezone.utc)

    def plan(first: date = FIRST, last: date = LAST) -> None:
        with transaction(factory) as s:
            station = s.query(Station).one()
            plan_days(s, settings, station, first, last, before)

    figures = {"plan_month_commune_db_s": round(_timed(plan), 3)}
    figures["replan_unchanged_db_s"] = round(_timed(plan, 3), 3)
    figures["sync_3_days_end_of_month_db_s"] = round(_timed(lambda: plan(LAST - timedelta(days=2), LAST), 3), 3)
    engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> None:
    """Print all figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=500)
    args = parser.parse_args(argv)
    figures: dict[str, float] = {}
    figures.update(pure_figures(args.communes))
    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        figures.update(db_figures(Path(tmp)))
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
