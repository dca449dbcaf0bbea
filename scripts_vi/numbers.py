"""Vietnamese number words, Northern standard (nghìn, linh, mốt, tư, lăm)."""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Longer digit strings are codes or identifiers, not quantities: read them digit by digit.
MAX_CARDINAL_DIGITS = 15
_ROMAN_RE = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def read_digits(digits: str) -> str:
    """Read a digit string one digit at a time: '111' -> 'một một một'."""
    return " ".join(DIGITS[int(d)] for d in digits if "0" <= d <= "9")


def _three(n: int, full: bool) -> str:
    """Read 0 < n < 1000; full says the hundreds must be spoken even when zero (không trăm)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    parts: list[str] = []
    if hundreds or full:
        parts.append(f"{DIGITS[hundreds]} trăm")
    if tens == 0:
        if units:
            if parts:
                parts.append("linh")
            parts.append(DIGITS[units])
    elif tens == 1:
        parts.append("mười")
        if units:
            parts.append("lăm" if units == 5 else DIGITS[units])
    else:
        parts.append(f"{DIGITS[tens]} mươi")
        if units:
            parts.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS[units]))
    return " ".join(parts)


def _below_billion(n: int, started: bool) -> list[str]:
    parts: list[str] = []
    for value, scale in ((n // 1_000_000, "triệu"), (n // 1000 % 1000, "nghìn"), (n % 1000, "")):
        if value == 0:
            continue
        words = _three(value, started)
        parts.append(f"{words} {scale}" if scale else words)
        started = True
    return parts


def read_int(n: int) -> str:
    """Read a non-negative integer: 2024 -> 'hai nghìn không trăm hai mươi tư'."""
    if n == 0:
        return "không"
    if n >= 1_000_000_000:
        high, low = divmod(n, 1_000_000_000)
        words = f"{read_int(high)} tỷ"
        if low:
            words += " " + " ".join(_below_billion(low, True))
        return words
    return " ".join(_below_billion(n, False))


def read_number(digits: str) -> str:
    """Read a digit string as a quantity (leading zeros dropped: '08' -> 'tám')."""
    digits = "".join(d for d in digits if "0" <= d <= "9")
    if not digits:
        return ""
    stripped = digits.lstrip("0")
    if not stripped:
        return "không"
    if len(stripped) > MAX_CARDINAL_DIGITS:
        return read_digits(digits)
    return read_int(int(stripped))


def read_fraction_part(digits: str) -> str:
    """Read the part after a decimal comma: short ones as a number, else digit by digit."""
    if len(digits) <= 2 and not digits.startswith("0"):
        return read_number(digits)
    return read_digits(digits)


def read_decimal(integer: str, fraction: str) -> str:
    """Read '2,5' as 'hai phẩy năm'."""
    return f"{read_number(integer)} phẩy {read_fraction_part(fraction)}"


def read_ordinal(n: int) -> str:
    """Ordinal after 'thứ': 1 -> nhất, 4 -> tư, else the cardinal."""
    return {1: "nhất", 4: "tư"}.get(n, read_int(n))


def read_month(n: int) -> str:
    """Month number after 'tháng': 4 -> tư, else the cardinal (tháng một, tháng mười hai)."""
    return "tư" if n == 4 else read_int(n)


def read_day(n: int) -> str:
    """Day of month in a date: 1-10 take 'mùng' as Northern radio readers say."""
    return f"mùng {read_int(n)}" if 1 <= n <= 10 else read_int(n)


def roman_to_int(token: str) -> int | None:
    """Value of a well-formed uppercase Roman numeral, else None."""
    if not token or not _ROMAN_RE.fullmatch(token):
        return None
    total = 0
    for i, ch in enumerate(token):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[token[i + 1]] if i + 1 < len(token) else 0
        total += -value if value < nxt else value
    return total
