"""The status page's read model: right figures per station, and a query count that does not grow with stations."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from broadcast.db import transaction
from broadcast.province.overview import station_overview
from tests.stations.seed import NOW, seed_station


@contextmanager
def counting(engine):
    """Count the SQL statements run on an engine."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _overview(factory, ids):
    with transaction(factory) as session:
        with counting(factory.kw["bind"]) as seen:
            rows = station_overview(session, ids, NOW, stale_after_s=30, late_grace_s=300)
    return rows, len(seen)


def test_each_row_tells_on_air_last_broadcast_missed_today_and_campaign_progress(factory):
    with transaction(factory) as session:
        ids = [seed_station(session, n).id for n in (1, 2, 3, 6)]
    rows, _ = _overview(factory, ids)
    by = {r.slug: r for r in rows}
    assert [r.slug for r in rows] == ["st-01", "st-02", "st-03", "st-06"]
    one, two, three, six = by["st-01"], by["st-02"], by["st-03"], by["st-06"]
    assert not one.player_alive and not one.on_air and two.player_alive and two.on_air_title == "Bản tin đột xuất"
    assert one.last_title == "Buổi sáng hôm qua" and one.last_status == "done"
    assert two.last_title == "Buổi sáng" and three.last_status == "missed"
    # st-03: the missed morning, and a broadcast still waiting an hour after its time (no player marks it).
    assert (one.missed_today, two.missed_today, three.missed_today, six.missed_today) == (0, 0, 2, 2)
    assert (three.bad_items_today, two.bad_items_today) == (1, 0)
    campaign_two, campaign_one = two.campaigns[0], one.campaigns[0]
    assert campaign_two.aired_s == 3000 and campaign_two.target_to_yesterday_s == 3000 and not campaign_two.behind
    assert campaign_two.target_total_s == 31 * 600 and round(campaign_two.percent, 1) == round(100 * 3000 / 18600, 1)
    assert campaign_one.aired_s == 0 and campaign_one.behind
    assert [r.needs_attention for r in rows] == [True, False, True, True]


def test_queries_stay_constant_from_three_to_thirty_stations(factory):
    with transaction(factory) as session:
        few = [seed_station(session, n).id for n in range(1, 4)]
        many = few + [seed_station(session, n).id for n in range(4, 31)]
    rows_few, queries_few = _overview(factory, few)
    rows_many, queries_many = _overview(factory, many)
    assert len(rows_few) == 3 and len(rows_many) == 30
    assert sum(r.missed_today for r in rows_many) == 2 * 10 and sum(r.on_air for r in rows_many) == 15
    assert queries_many == queries_few <= 10, (queries_few, queries_many)


def test_receivers_offline_per_commune(factory):
    from datetime import timedelta

    from broadcast.models import ReceiverReport
    from broadcast.receivers.intake import add_receiver

    with transaction(factory) as session:
        stations = [seed_station(session, n) for n in (2, 4)]
        ids = [s.id for s in stations]
        heard, silent, _never = (add_receiver(session, stations[0], "thon-1", name, NOW)[0] for name in ("A", "B", "C"))
        session.add(ReceiverReport(receiver_id=heard.id, received_at=NOW - timedelta(seconds=30), counter=1, interval_s=60, connected=True, playing=False))
        session.add(ReceiverReport(receiver_id=silent.id, received_at=NOW - timedelta(seconds=200), counter=1, interval_s=60, connected=True, playing=False))
    rows, _ = _overview(factory, ids)
    two, four = rows
    assert (two.receivers, two.receivers_offline, two.needs_attention) == (3, 2, True)
    assert (four.receivers, four.receivers_offline, four.needs_attention) == (0, 0, False)
