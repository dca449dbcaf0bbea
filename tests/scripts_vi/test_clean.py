"""clean_text: NFC, invisible characters, control characters, one tone-mark style."""

import unicodedata

import pytest

from scripts_vi.clean import clean_text
from scripts_vi.syllable import is_syllable, retone


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("hoà", "hòa"),
        ("Hoá", "Hóa"),
        ("thuỷ", "thủy"),
        ("uỷ ban", "ủy ban"),
        ("UỶ BAN", "ỦY BAN"),
        ("khoẻ", "khỏe"),
        ("toạ đàm", "tọa đàm"),
        ("xã hội hoá", "xã hội hóa"),
        ("hoàng", "hoàng"),
        ("quý", "quý"),
        ("giường", "giường"),
        ("người", "người"),
        ("ngoài", "ngoài"),
        ("khuỷu", "khuỷu"),
        ("gì", "gì"),
        ("thuở", "thuở"),
        ("mừơi", "mười"),
        ("facebook", "facebook"),
    ],
)
def test_tone_marks_follow_one_style(raw, clean):
    assert clean_text(raw) == clean


def test_nfd_becomes_nfc_with_unified_tones():
    text = unicodedata.normalize("NFD", "Hoà Bình, Thuỷ")
    assert clean_text(text) == "Hòa Bình, Thủy"


def test_invisible_and_control_characters_are_removed():
    raw = "a\u200bb\u200c\u200d\u2060\ufeffc\u200e\u200f\u202ad\x07e\x85f\u00a0g"
    assert clean_text(raw) == "abcde\nf g"


def test_line_endings_tabs_and_spaces():
    assert clean_text("một\r\nhai\rba\tbốn   năm  \nsáu") == "một\nhai\nba bốn năm\nsáu"


def test_syllable_checks():
    assert is_syllable("Nguyễn") and is_syllable("HOẠCH") and is_syllable("quốc")
    assert not is_syllable("UBND") and not is_syllable("Vieät") and not is_syllable("tồt")


def test_retone_keeps_case_and_foreign_words():
    assert retone("HOÀ") == "HÒA"
    assert retone("Zalo") == "Zalo"
