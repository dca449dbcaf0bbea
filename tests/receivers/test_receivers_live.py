"""Eight real receiver processes on a real icecast2 reporting to a real panel: green, killed → red, history, reach, amber."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.models import Broadcast, BroadcastStatus, ReceiverOutage
from broadcast.province.setup import create_station, numbered_zones
from broadcast.receivers import board, intake
from broadcast.receivers.listeners import admin_access, receivers_listening
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from tests.conftest import make_settings, subprocess_env
from tests.icecast_server import icecast
from tests.processes import panel_process, stop, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("icecast2") is None, reason="icecast2 is not installed")]
EVERY_S = 2.0
ZONES = 8


def _source(server, mount: str) -> subprocess.Popen:
    """A station source: a tone streamed live to one mount."""
    return subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re", "-f", "lavfi", "-i", "sine=frequency=440",
                             "-ac", "1", "-c:a", "libmp3lame", "-b:a", "32k", "-content_type", "audio/mpeg", "-ice_description", f"Bản tin {mount}", "-f", "mp3",
                             server.source_url(mount)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _receiver(settings, server, mount: str, token: str, report_url: str, log: Path) -> subprocess.Popen:
    loaxa = str(Path(sys.executable).with_name("loaxa"))
    return subprocess.Popen([loaxa, "receiver", "--url", server.listen_url(mount), "--device", "null", "--token", token,
                             "--report-url", report_url, "--every", f"{EVERY_S}s"],
                            env=subprocess_env(settings), stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def _colours(factory, access, mounts) -> dict[str, str]:
    """One sweep as the playout process runs it; returns each zone's colour."""
    listeners = receivers_listening(access, mounts)
    with transaction(factory) as session:
        station = get_station(session, "cam-tan")
        now = SystemClock().now()
        board.sweep(session, station, now, listeners)
        return {z.zone.code: z.colour for z in board.zone_board(session, station, now, listeners)}


def test_eight_receivers_green_two_killed_red_with_history_then_back(tmp_path: Path):
    settings = make_settings(tmp_path)
    from broadcast.db import make_engine, make_session_factory, upgrade

    engine = make_engine(settings.db_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    tokens = {}
    with transaction(factory) as session:
        station = create_station(session, "cam-tan", "Cẩm Tân", numbered_zones(ZONES))
        for zone in station.zones:
            tokens[zone.code] = intake.add_receiver(session, station, zone.code, f"Loa {zone.name}", SystemClock().now())[1]
        mounts = {z.code: f"/cam-tan-{z.code}" for z in station.zones}
        # A broadcast on air on every zone (as playout marks it) while the sources stream.
        now = SystemClock().now()
        session.add(Broadcast(station_id=station.id, title="Bản tin", slot_start=now, slot_end=now + timedelta(hours=1),
                              planned_start=now, status=BroadcastStatus.PLAYING, started_at=now))
    with icecast(tmp_path / "ice") as server, panel_process(settings) as panel:
        access = admin_access(server.base_url, "admin", "")
        sources = {code: _source(server, m) for code, m in mounts.items()}
        receivers: dict[str, subprocess.Popen] = {}
        report_url = panel + "/api/receivers/v1/report"
        try:
            for code, mount in mounts.items():
                receivers[code] = _receiver(settings, server, mount, tokens[code], report_url, tmp_path / f"r-{code}.log")
            every = list(mounts.values())
            wait_for(lambda: set(_colours(factory, access, every).values()) == {"green"}, 90, "all eight zones green")
            with transaction(factory) as session:  # outages up to now are the receivers starting up
                first_new = (session.scalar(select(func.max(ReceiverOutage.id))) or 0) + 1
            assert receivers_listening(access, every) == {m: 1 for m in every}
            with transaction(factory) as session:  # each receiver says which broadcast it hears (the stream's description)
                station = get_station(session, "cam-tan")
                heard = board.last_reports(session, [r.receiver.id for z in board.zone_board(session, station, SystemClock().now(), None) for r in z.receivers])
                assert sorted(r.title for r in heard.values()) == sorted(f"Bản tin {m}" for m in every)
                assert all(r.playing and r.level_db > -30 and r.version for r in heard.values())

            # Two receivers die: their zones turn red within two report intervals.
            killed_at = time.monotonic()
            for code in ("thon-1", "thon-2"):
                receivers[code].kill()
                receivers[code].wait()
            def both_red() -> dict[str, str] | None:
                colours = _colours(factory, access, every)
                return colours if colours["thon-1"] == colours["thon-2"] == "red" else None

            colours = wait_for(both_red, 30, "thôn 1 and 2 red", poll_s=0.2)
            assert time.monotonic() - killed_at <= 2 * EVERY_S + 1.5
            assert [code for code, colour in colours.items() if colour == "green"] == [f"thon-{n}" for n in range(3, 9)]

            # A stretch aired now reaches the six thôn whose receivers play.
            start = SystemClock().now()
            time.sleep(2 * EVERY_S)  # the stretch is aired in real time
            end = SystemClock().now()
            with transaction(factory) as session:
                reached = board.zones_reached(session, get_station(session, "cam-tan").id, [], start, end)
            assert reached == ",".join(f"thon-{n}" for n in range(3, 9))

            # The cut mount of thôn 3: its receiver keeps reporting but hears nothing: amber, not green.
            sources["thon-3"].send_signal(signal.SIGTERM)
            sources["thon-3"].wait()
            wait_for(lambda: _colours(factory, access, every)["thon-3"] == "amber", 30, "thôn 3 amber once its mount is dropped", poll_s=0.2)

            # Back: both receivers restarted and the mount restored → green, every outage closed.
            sources["thon-3"] = _source(server, mounts["thon-3"])
            for code in ("thon-1", "thon-2"):
                receivers[code] = _receiver(settings, server, mounts[code], tokens[code], report_url, tmp_path / f"r-{code}.log")
            wait_for(lambda: set(_colours(factory, access, every).values()) == {"green"}, 90, "all green again")
        finally:
            for proc in [*receivers.values(), *sources.values()]:
                stop(proc, timeout=10)
    with transaction(factory) as session:
        outages = session.execute(select(ReceiverOutage).where(ReceiverOutage.id >= first_new)).scalars().all()
        history = [(zone.code, outage.kind, outage.ended_at is not None)
                   for outage, _, zone in board.outage_history(session, get_station(session, "cam-tan")) if outage.id >= first_new]
    # One episode per thôn and kind (a busy machine may split one in two when a report comes late), every one closed.
    assert set(history) == {("thon-1", "offline", True), ("thon-2", "offline", True), ("thon-3", "silent", True)}
    assert all(o.ended_at > o.started_at for o in outages)
    engine.dispose()
