"""The hand-written development set: its shape, its halves, and the normalizer reading every row as written by hand."""

import importlib.util
import sys
from pathlib import Path

import pytest

from audio.speech_check import comparable
from scripts_vi.normalize import normalize

SPEC = importlib.util.spec_from_file_location("voice_set", Path(__file__).resolve().parents[2] / "bench" / "voice_set.py")
voice_set = importlib.util.module_from_spec(SPEC)
sys.modules.setdefault("voice_set", voice_set)  # dataclasses look their module up by name
SPEC.loader.exec_module(voice_set)
ROWS = voice_set.load()


def test_at_least_40_rows_in_two_disjoint_halves_covering_every_category():
    search, held = voice_set.search_half(), voice_set.held_out_half()
    assert len(ROWS) >= 40 and len(search) + len(held) == len(ROWS)
    assert not {s.written for s in search} & {s.written for s in held}
    categories = {s.category for s in ROWS}
    assert categories >= {"campaign", "meeting", "health", "disaster", "agriculture"}
    assert {s.category for s in search} == categories == {s.category for s in held}


def test_references_are_words_only():
    assert all(not any(ch.isdigit() for ch in s.spoken) for s in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r.written[:40] for r in ROWS])
def test_normalizer_reads_each_row_as_the_hand_reference(row):
    assert comparable(normalize(row.written).spoken) == comparable(row.spoken)
