"""Live-talk rules as tables: who may go live, when a talk ends, zone holders, durations, capture inputs."""

from __future__ import annotations

import pytest

from audio.capture import input_args
from audio.errors import AudioError
from broadcast.errors import InvalidInput
from broadcast.models import Role
from broadcast.playout import live as rules
from broadcast.stations.settings import live_who


@pytest.mark.parametrize(("role", "approvers", "allowed"), [
    (Role.ADMIN, False, True), (Role.EDITOR, False, True), (Role.APPROVER, False, False), (Role.APPROVER, True, True),
    (Role.VIEWER, True, False), (None, True, False),
])
def test_who_may_go_live(role, approvers, allowed):
    assert rules.may_go_live(role, approvers) is allowed


@pytest.mark.parametrize(("stop", "idle", "alive", "emergency", "reason"), [
    (False, 0.5, True, False, ""),
    (False, 4.99, True, False, ""),
    (False, 5.0, True, False, rules.REASON_SILENCE.format(5.0)),
    (True, 0.1, True, False, rules.REASON_SPEAKER_ENDED),
    (False, 0.1, False, False, rules.REASON_SENDER_GONE),
    (True, 9.0, False, False, rules.REASON_SPEAKER_ENDED),  # the speaker pressed end: that is why it ended
    (True, 9.0, False, True, rules.REASON_EMERGENCY),  # an emergency overrides everything
])
def test_when_a_talk_ends(stop, idle, alive, emergency, reason):
    assert rules.end_reason(stop, idle, 5.0, alive, emergency) == reason


@pytest.mark.parametrize(("active", "wanted", "holder"), [
    ([], [1], None),
    ([([1, 2], "An")], [3], None),
    ([([1, 2], "An")], [2, 3], "An"),
    ([([], "An")], [3], "An"),  # a talk on every zone holds them all
    ([([3], "An")], [], "An"),  # asking for every zone meets any talk
    ([([1], "An"), ([2], "Bình")], [2], "Bình"),
])
def test_one_live_source_per_zone(active, wanted, holder):
    assert rules.zone_holder(active, wanted) == holder


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("2m30s", 150), ("1.5", 1.5)])
def test_durations(text, seconds):
    assert rules.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "5x", "0", "-5m", "m"])
def test_bad_durations_are_refused_in_one_sentence(text):
    with pytest.raises(InvalidInput, match="hãy viết như 90s, 5m hoặc 1h30m"):
        rules.parse_duration(text)


def test_chunk_names_sort_in_order():
    names = [rules.chunk_name(n) for n in (0, 9, 10, 123456)]
    assert names == sorted(names) and names[0] == "000000000.chunk"


@pytest.mark.parametrize(("spec", "args"), [
    ("alsa:default", ["-f", "alsa", "-i", "default"]),
    ("alsa:hw:1,0", ["-f", "alsa", "-i", "hw:1,0"]),
    ("pulse:default", ["-f", "pulse", "-i", "default"]),
])
def test_capture_inputs(spec, args):
    assert input_args(spec) == args


def test_a_file_is_read_in_real_time(tmp_path):
    wav = tmp_path / "mic.wav"
    wav.write_bytes(b"RIFF")
    assert input_args(str(wav)) == ["-re", "-i", str(wav)]


@pytest.mark.parametrize("spec", ["", "alsa:", "nowhere.wav", "oss:/dev/dsp"])
def test_unusable_inputs_are_refused_in_one_sentence(spec):
    with pytest.raises(AudioError, match="hãy"):
        input_args(spec)


@pytest.mark.parametrize(("choice", "approvers"), [("editors", False), ("approvers", True), (" approvers ", True)])
def test_the_panels_choice_of_who_goes_live(choice, approvers):
    assert live_who(choice) is approvers


@pytest.mark.parametrize(("choice", "sentence"), [
    ("", "Chưa chọn ai được phát trực tiếp: hãy chọn «chỉ biên tập viên và quản trị» hoặc «biên tập viên, quản trị và người phê duyệt»."),
    (None, "Chưa chọn ai được phát trực tiếp"),
    ("viewers", "Lựa chọn «viewers» không có: hãy chọn «chỉ biên tập viên và quản trị»"),
    ("True", "Lựa chọn «True» không có"),
])
def test_a_bad_choice_of_who_goes_live_is_refused_in_one_sentence(choice, sentence):
    with pytest.raises(InvalidInput) as refused:
        live_who(choice)
    assert str(refused.value).startswith(sentence) and refused.value.field == "live_who" and str(refused.value).count(".") == 1
