"""Inputs that once crashed the normalizer."""

from scripts_vi.normalize import normalize


def test_huge_digit_runs_do_not_overflow_int_conversion():
    for text in ("0" * 5000, "1" * 5000, "0" * 4999 + "7", "9" * 300 + "," + "9" * 300):
        spoken = normalize(text).spoken
        assert spoken and not any(ch.isdigit() for ch in spoken)
