"""`loaxa plan` and `loaxa campaign` on the demo with click's CliRunner."""

import json
import re
from datetime import datetime

from click.testing import CliRunner

from loaxa.cli import main


def invoke(settings, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], catch_exceptions=False)
    return result


def test_plan_json_is_deterministic_with_local_times(demo_settings):
    first = invoke(demo_settings, "plan", "--date", "2024-11-20", "--format", "json")
    second = invoke(demo_settings, "plan", "--date", "20/11/2024", "--format", "json")
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    data = json.loads(first.output)
    assert [b["slot_start"] for b in data["broadcasts"]] == ["2024-11-20T05:30:00+07:00", "2024-11-20T17:00:00+07:00"]
    for b in data["broadcasts"]:
        items = b["items"]
        assert items[0]["type"] == "jingle" and items[-1]["type"] == "jingle"
        campaign = [i for i in items if i["campaign"] == "bdg-2024"]
        assert campaign and all(i["reason"].startswith("chiến dịch bdg-2024") for i in campaign)
        starts = [datetime.fromisoformat(i["planned_start"]) for i in items]
        for item, start, nxt in zip(items, starts, starts[1:]):
            assert abs((nxt - start).total_seconds() - item["duration_s"]) < 0.002
        assert b["duration_s"] <= 35 * 60


def test_plan_text_range_and_bad_dates(demo_settings):
    result = invoke(demo_settings, "plan", "--from", "2024-11-15", "--to", "2024-11-16")
    assert result.exit_code == 0
    assert result.output.count("== ") == 4 and "[bdg-2024]" in result.output and "Buổi sáng" in result.output
    assert re.search(r"== 2024-11-15 05:30–06:\d\d Buổi sáng \(.+, \d+,\d phút\)", result.output), result.output  # decimal comma
    bad = invoke(demo_settings, "plan", "--date", "20-11-2024")
    assert bad.exit_code != 0 and "không đúng dạng" in bad.output and "Traceback" not in bad.output
    backwards = invoke(demo_settings, "plan", "--from", "2024-11-16", "--to", "2024-11-15")
    assert backwards.exit_code != 0 and "đứng trước ngày bắt đầu" in backwards.output


def test_campaign_commands(demo_settings):
    listing = invoke(demo_settings, "campaign", "list")
    assert "bdg-2024" in listing.output and "10 phút mỗi ngày" in listing.output
    shown = json.loads(invoke(demo_settings, "campaign", "show", "bdg-2024", "--format", "json").output)
    assert len(shown["pool"]) == 14 and shown["problems"] == []
    copied = invoke(demo_settings, "campaign", "copy", "bdg-2024", "--year", "2031")
    assert copied.exit_code == 0 and "bdg-2031" in copied.output
    refused = invoke(demo_settings, "campaign", "approve", "bdg-2031", "--user", "xem")
    assert refused.exit_code != 0 and "phê duyệt" in refused.output
    approved = invoke(demo_settings, "campaign", "approve", "bdg-2031", "--user", "pheduyet")
    assert approved.exit_code == 0, approved.output
    missing = invoke(demo_settings, "campaign", "show", "khong-co")
    assert missing.exit_code != 0 and "Không có chiến dịch" in missing.output


def test_dry_run_saves_nothing_and_future_days_are_saved(demo_settings):
    from sqlalchemy import func, select

    from broadcast.db import make_engine
    from broadcast.models import Broadcast

    def rows():
        engine = make_engine(demo_settings.db_url)
        with engine.connect() as conn:
            n = conn.execute(select(func.count()).select_from(Broadcast)).scalar()
        engine.dispose()
        return n

    dry = invoke(demo_settings, "plan", "--date", "2099-11-20", "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and len(json.loads(dry.output)["broadcasts"]) == 2 and rows() == 0
    real = invoke(demo_settings, "plan", "--date", "2099-11-20")
    assert real.exit_code == 0 and "(đã lên lịch, " in real.output and rows() == 2
