"""Properties of normalize on any text: never raises, keeps lines, NFC, no digits left."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts_vi.normalize import PHONEMES, normalize

_PIECES = st.sampled_from(
    [
        "ngày", "tháng", "năm", "thứ", "lần", "số", "gọi", "đường dây nóng", "hotline", "liên hệ",
        "UBND", "HĐND", "QĐ-TTg", "XYZ", "Cẩm Tân", "lúc", "khoảng", "từ", "đến", "quý", "I.", "IV",
        "/", ".", ",", ":", "h", "%", "-", "–", " ", "  ", "\n", "\t", "\r", "đ", "x", "+", "&",
        "(b/c)", "v.v...", "./.", "#", "**", "0", "00", "08", "111", "1.500.000", "2,5", "15/11/2024",
        "٣", "３", "²", "\u200b", "\u0301", "[[", "]]", "[[h'a2:n]]", "\ue000", "\ue001",
    ]
)
_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=25)
_MIXED = st.lists(st.one_of(_PIECES, _DIGITS), max_size=30).map("".join)


def _check(text: str) -> None:
    result = normalize(text)
    assert result.spoken.count("\n") == text.count("\n")
    assert unicodedata.is_normalized("NFC", result.spoken)
    # Digits only inside espeak-ng phoneme spans ("[[h'a2:n]]"), which are tone numbers, not numbers to read.
    assert not any(unicodedata.category(ch) == "Nd" for ch in PHONEMES.sub("", result.spoken)), result.spoken
    assert all(isinstance(w, str) for w in result.warnings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text(text):
    _check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MIXED)
def test_radio_like_text(text):
    _check(text)
