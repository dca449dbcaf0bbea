"""Phone numbers: recognised by shape or by the words before them, read digit by digit."""

from __future__ import annotations

import re

from scripts_vi.numbers import read_digits

# Words before a number that make it a phone number.
PHONE_CONTEXT = re.compile(
    r"(?:đường\s+dây\s+nóng|điện\s+thoại|hotline|tổng\s+đài|gọi|liên\s+hệ|sđt|đt|số\s+máy|fax|zalo)"
    r"(?![^\W\d_])[^.;!?\d\n]{0,48}$",
    re.IGNORECASE,
)
# Short service numbers (111 child protection, 113 police, 114 fire, 115 ambulance...) are
# phone numbers only when the context says so: "111 người" is a quantity.
SERVICE_NUMBERS = frozenset({"111", "112", "113", "114", "115", "116", "119"})
# Mobile and landline numbers (0xxx...), +84 numbers and 1800/1900 service lines.
_SHAPE = re.compile(
    r"(?:\+84[ .\-]?|0)\d{2,4}(?:[ .\-]\d{1,4}){1,4}(?!\d)|0\d{9,10}(?!\d)|\+84\d{9,10}(?!\d)"
    r"|1[89]00[ .]?\d{2,4}(?:[ .]\d{2,4})?(?!\d)"
)
_IN_CONTEXT = re.compile(r"\d{3,}(?:[ .\-]\d{1,4})*(?!\d)")


def match_shape(text: str, pos: int) -> re.Match | None:
    """A phone number recognisable by its shape alone at pos, else None."""
    m = _SHAPE.match(text, pos)
    if not m:
        return None
    raw = m.group(0)
    count = sum(ch.isdigit() for ch in raw)
    if raw.startswith("1"):
        ok = 8 <= count <= 10
    elif raw.startswith("+"):
        ok = 11 <= count <= 12
    else:
        ok = 10 <= count <= 11
    return m if ok else None


def match_in_context(text: str, pos: int) -> str | None:
    """The phone number at pos when the words before announce one, else None."""
    m = _IN_CONTEXT.match(text, pos)
    if not m or not PHONE_CONTEXT.search(text[max(0, pos - 80):pos]):
        return None
    raw = m.group(0).rstrip(" .-")
    digits = re.sub(r"\D", "", raw)
    if digits not in SERVICE_NUMBERS and len(digits) < 6:
        return None
    after = text[pos + len(raw):pos + len(raw) + 2]
    if after[:1] in ("/", "%", ",") and after[1:2].isdigit():
        return None
    return raw


def group_digits(digits: str) -> list[str]:
    """Group an unbroken phone number for pauses: 4-3-3, 4-3-4, 4-4 or 3-3-3."""
    if len(digits) in (10, 11):
        return [digits[:4], digits[4:7], digits[7:]]
    if len(digits) == 8:
        return [digits[:4], digits[4:]]
    if len(digits) == 9:
        return [digits[:3], digits[3:6], digits[6:]]
    return [digits[k:k + 4] for k in range(0, len(digits), 4)]


def read_phone(raw: str) -> str:
    """Digits one by one, groups separated by commas so the voice pauses: 0912 345 678."""
    plus = raw.startswith("+")
    groups = [g for g in re.split(r"[ .\-]", raw.lstrip("+")) if g]
    if len(groups) == 1:
        digits = groups[0]
        groups = ["84"] + group_digits(digits[2:]) if plus and digits.startswith("84") else group_digits(digits)
    spoken = ", ".join(read_digits(g) for g in groups)
    return f"cộng {spoken}" if plus else spoken
