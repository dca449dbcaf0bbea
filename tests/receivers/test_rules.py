"""Table tests of the receivers' pure rules: colour, outage changes, reach."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from broadcast.receivers.rules import AMBER, GREEN, NONE, RED, LastReport, OutageChange, is_fresh, outage_change, reached, verdict, zone_colour

T0 = datetime(2024, 11, 20, 3, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def report(age_s: float, playing: bool = True, connected: bool = True, interval_s: float = 60.0, playing_for_s: float = 0.0) -> LastReport:
    """A report received age_s before T0."""
    return LastReport(at(-age_s), interval_s, connected, playing, playing_for_s)


# Offline after 1.5 intervals + 1 s: 91 s for a 60 s interval.
@pytest.mark.parametrize("last, fresh", [
    (None, False),
    (report(0), True),
    (report(91), True),
    (report(91.5), False),
    (report(3.9, interval_s=2), True),
    (report(4.1, interval_s=2), False),
])
def test_a_receiver_is_online_until_one_and_a_half_intervals_and_a_second_have_passed(last, fresh):
    assert is_fresh(last, T0) is fresh


@pytest.mark.parametrize("last, listening, on_air, colour, outage", [
    (report(10), None, False, GREEN, None),                          # reporting, nothing on air
    (report(10), 1, True, GREEN, None),                              # reporting and playing while on air
    (report(10, playing=False), True, False, GREEN, None),            # silent between broadcasts is normal
    (report(10, playing=False), True, True, AMBER, "silent"),         # hears nothing during a broadcast
    (report(10, playing=False, connected=False), False, True, AMBER, "silent"),  # stream cut during a broadcast
    (report(200), None, False, RED, "offline"),                       # silent for too long, Icecast unknown
    (report(200), False, True, RED, "offline"),                       # not reporting, not listening
    (report(200), True, True, AMBER, None),                           # not reporting but Icecast sees it listen
    (None, False, False, RED, "offline"),                             # never heard from
])
def test_colour_of_a_receiver(last, listening, on_air, colour, outage):
    result = verdict(last, T0, listening, on_air)
    assert (result.colour, result.outage) == (colour, outage)
    assert result.why.endswith(".")


@pytest.mark.parametrize("colours, zone", [
    ([], NONE), ([RED], RED), ([RED, AMBER], AMBER), ([RED, GREEN, AMBER], GREEN), ([AMBER, AMBER], AMBER),
])
def test_a_zone_takes_its_best_receiver(colours, zone):
    assert zone_colour(colours) == zone


@pytest.mark.parametrize("open_kind, now_kind, change", [
    (None, None, OutageChange()),
    ("offline", "offline", OutageChange()),
    (None, "offline", OutageChange(close=False, open_kind="offline")),
    ("offline", None, OutageChange(close=True, open_kind=None)),
    ("offline", "silent", OutageChange(close=True, open_kind="silent")),
    ("silent", None, OutageChange(close=True, open_kind=None)),
])
def test_outage_opens_closes_or_changes_kind(open_kind, now_kind, change):
    assert outage_change(open_kind, now_kind) == change


# An item aired over [T0 - 30 s, T0]; judged at its end T0.
@pytest.mark.parametrize("last, result", [
    (None, False),
    (report(5, playing_for_s=40), True),            # playing since T0-45 s: before the start
    (report(5, playing_for_s=20), True),             # since T0-25 s: 5 s after the start, within the 10 s grace
    (report(5, playing_for_s=10), False),            # since T0-15 s: 15 s after the start
    (report(5, playing=False), False),               # silent at its last report
    (report(100, playing_for_s=500), False),          # last report overdue: offline
    (report(-1, playing_for_s=500), False),           # a report after the end is not used to judge it
])
def test_a_zone_is_reached_when_its_receiver_played_the_whole_item(last, result):
    assert reached(last, at(-30), T0) is result


@pytest.mark.parametrize("kind, on_air, alert", [
    ("silent", True, True), ("offline", True, True), ("offline", False, False),
])
def test_an_outage_is_an_alert_when_offline_at_air_time_or_silent(kind, on_air, alert):
    from broadcast.receivers.rules import is_alert

    assert is_alert(kind, on_air) is alert
