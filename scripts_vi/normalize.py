"""Spoken form of Vietnamese radio scripts: numbers, dates, times, phones and abbreviations as words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Mapping

from scripts_vi.clean import clean_text
from scripts_vi.lexicon import LETTER_NAMES, UNITS, merged_lexicon, spell
from scripts_vi.numbers import (
    read_day,
    read_decimal,
    read_digits,
    read_int,
    read_month,
    read_number,
    read_ordinal,
    roman_to_int,
)
from scripts_vi.syllable import is_syllable


@dataclass(frozen=True)
class Normalized:
    """The spoken text (same lines as the input) and warnings for the editor."""

    spoken: str
    warnings: list[str] = field(default_factory=list)


UNKNOWN_ABBREVIATION = "Viết tắt chưa có trong từ điển: {}"

# Words before a number that make it a phone number read digit by digit.
_PHONE_CONTEXT = re.compile(
    r"(?:đường\s+dây\s+nóng|điện\s+thoại|hotline|tổng\s+đài|gọi|liên\s+hệ|sđt|đt|số\s+máy|fax|zalo)"
    r"(?![^\W\d_])[^.;!?\d\n]{0,48}$",
    re.IGNORECASE,
)
# Short service numbers that are phone numbers only when the context says so.
_SERVICE_NUMBERS = {"111", "112", "113", "114", "115", "116", "119"}
_ROMAN_CONTEXT = {
    "quý", "lục", "phần", "chương", "mục", "khóa", "kỳ", "hội", "kỷ", "đoạn", "cấp", "loại",
    "hạng", "thứ", "đợt", "vòng", "tập", "khoản", "điều", "lần", "số",
}
_ORDINAL_CONTEXT = {"thứ", "hạng", "giải"}
_DATE_CONTEXT = {"ngày", "từ", "đến", "hôm", "sáng", "chiều", "tối", "trưa", "đêm", "và", "mùng", "mồng", "trước", "sau"}

_SEP = r"[/.\-]"
_NUM = r"\d{1,3}(?:,\d{3}){2,}(?![\d,])|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+,\d+|\d+"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u != "%")
_NOT_WORD_AFTER = r"(?![^\W_])"

_RE_PHONE_SHAPE = re.compile(
    r"(?:\+84[ .\-]?|0)\d{2,4}(?:[ .\-]\d{1,4}){1,4}(?![\d])|0\d{9,10}(?!\d)|\+84\d{9,10}(?!\d)"
    r"|1[89]00[ .]?\d{2,4}(?:[ .]\d{2,4})?(?!\d)"
)
_RE_DOC = re.compile(
    r"(\d+)(?:/(\d{4}))?/\s?([A-ZĐ][A-Za-zĐđ&]*(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ&]*)*)"
)
_RE_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?!\d)")
_RE_DM = re.compile(r"(\d{1,2})/(\d{1,2})(?![/\d])")
_RE_MY = re.compile(r"(\d{1,2})/(\d{4})(?![/\d])")
_RE_TIME_H = re.compile(r"(\d{1,2})h(\d{2})?(?:'|p|ph)?" + _NOT_WORD_AFTER)
_RE_TIME_COLON = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
_RE_MULTIPLY = re.compile(rf"(\d+)\s?[x×]\s?(\d+)(?!\d)(?:\s?({_UNIT_ALT}){_NOT_WORD_AFTER})?")
_RE_PHONE_CONTEXT_NUMBER = re.compile(r"\d{3,}(?:[ .\-]\d{1,4})*(?!\d)")
_RE_NUMBER = re.compile(rf"(?:{_NUM})(?:\s?%|\s?(?:{_UNIT_ALT}){_NOT_WORD_AFTER})?")
_RE_DOTTED = re.compile(r"\d+(?:\.\d{1,2})+(?![\d.])|\d+(?:\.\d+){2,}(?!\d)")
_RE_WORD = re.compile(r"[^\W\d_]+")
_RE_WORDS_TAIL = re.compile(r"[^\W\d_]+")
_RE_CODE_AFTER_SLASH = re.compile(r"[A-ZĐ][A-Za-zĐđ&]*(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ&]*)*")

_RE_MD_HEADING = re.compile(r"^\s*(?:#{1,6}\s+|>\s?)")
_RE_BULLET = re.compile(r"^\s*[-*+•]\s+")
_RE_EMPHASIS = re.compile(r"\*\*|__|`|\*")
_RE_LINE_ROMAN = re.compile(r"^([IVX]+)\.(?=\s|$)")
_RE_LINE_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.(?=\s|$)|^(\d{1,2}(?:\.\d{1,2})+)(?=\s)")
_RE_LINE_LETTER = re.compile(r"^([a-zđ])\)\s")


def _decimal_digits_to_ascii(text: str) -> str:
    if text.isascii():
        return text
    out = []
    for ch in text:
        if not ch.isascii() and unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=32)
def _compile_lexicon(items: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[str, str], dict[str, str]]:
    exact = {k: v for k, v in items if k != k.lower()}
    folded = {k.lower(): v for k, v in items if k == k.lower()}
    alternatives = []
    for key in sorted((k for k, _ in items), key=len, reverse=True):
        escaped = re.escape(key)
        alternatives.append(f"(?i:{escaped})" if key == key.lower() else escaped)
    pattern = re.compile("|".join(alternatives)) if alternatives else re.compile(r"(?!x)x")
    return pattern, exact, folded


class _Line:
    """Rewrites one line; holds the scanning state."""

    def __init__(self, text: str, lexicon: tuple[re.Pattern, dict[str, str], dict[str, str]], warnings: list[str]):
        self.s = text
        self.lex_re, self.lex_exact, self.lex_folded = lexicon
        self.warnings = warnings
        self.out: list[str] = []
        self.last_numeric = False
        letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
        self.heading = len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)

    # ----- helpers -----
    def warn(self, token: str) -> None:
        message = UNKNOWN_ABBREVIATION.format(token)
        if message not in self.warnings:
            self.warnings.append(message)

    def words_before(self, i: int, n: int = 2) -> list[str]:
        return [w.lower() for w in _RE_WORDS_TAIL.findall(self.s[max(0, i - 40):i])[-n:]]

    def prev_word(self, i: int) -> str:
        tail = self.s[max(0, i - 30):i]
        m = re.search(r"([^\W\d_]+)[\s(\"“]*$", tail)
        return m.group(1).lower() if m else ""

    def next_text(self, j: int) -> str:
        return self.s[j:j + 30]

    def lookup(self, key: str) -> str | None:
        if key in self.lex_exact:
            return self.lex_exact[key]
        return self.lex_folded.get(key.lower())

    def expand_code(self, code: str) -> str:
        """Read the letter part of a document number, e.g. 'QĐ-TTg' or 'UBND - LĐTBXH'."""
        whole = self.lookup(re.sub(r"\s", "", code))
        if whole:
            return whole
        words = []
        for part in re.split(r"\s?[-–/]\s?", code):
            if not part:
                continue
            found = self.lookup(part)
            if found:
                words.append(found)
                continue
            pieces = []
            for sub in part.split("&"):
                found = self.lookup(sub)
                if found:
                    pieces.append(found)
                elif sub:
                    pieces.append(self.read_caps(sub))
            words.append(" và ".join(pieces))
        return " ".join(w for w in words if w)

    def read_caps(self, token: str) -> str:
        if is_syllable(token):
            return token.lower()
        self.warn(token)
        return spell(token)

    # ----- digit rules: each returns (spoken, end) or None -----
    def rule_phone_shape(self, i: int):
        m = _RE_PHONE_SHAPE.match(self.s, i)
        if not m:
            return None
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("1"):
            if not 8 <= len(digits) <= 10:
                return None
        elif raw.startswith("+"):
            if not 9 <= len(digits) - 2 <= 10:
                return None
        elif not 10 <= len(digits) <= 11:
            return None
        return self.read_phone(raw), m.end()

    def rule_phone_context(self, i: int):
        m = _RE_PHONE_CONTEXT_NUMBER.match(self.s, i)
        if not m or not _PHONE_CONTEXT.search(self.s[max(0, i - 80):i]):
            return None
        raw = m.group(0).rstrip(" .-")
        digits = re.sub(r"\D", "", raw)
        if digits not in _SERVICE_NUMBERS and len(digits) < 6:
            return None
        after = self.s[i + len(raw):i + len(raw) + 2]
        if after[:1] in ("/", "%", ",") and after[1:2].isdigit():
            return None
        return self.read_phone(raw), i + len(raw)

    @staticmethod
    def read_phone(raw: str) -> str:
        plus = raw.startswith("+")
        groups = [g for g in re.split(r"[ .\-]", raw.lstrip("+")) if g]
        if len(groups) == 1:
            digits = groups[0]
            if plus and digits.startswith("84"):
                groups = ["84"] + _group_digits(digits[2:])
            else:
                groups = _group_digits(digits)
        spoken = ", ".join(read_digits(g) for g in groups)
        return ("cộng " + spoken) if plus else spoken

    def rule_doc(self, i: int):
        m = _RE_DOC.match(self.s, i)
        if not m:
            return None
        number, year, code = m.groups()
        spoken = read_number(number)
        if year:
            spoken += " năm " + read_number(year)
        return spoken + " " + self.expand_code(code), m.end()

    def date_prefix(self, i: int) -> str:
        return "" if self.prev_word(i) in ("ngày", "mùng", "mồng") else "ngày "

    def day_words(self, i: int, day: int) -> str:
        if self.prev_word(i) in ("mùng", "mồng"):
            return read_int(day)
        return read_day(day)

    def rule_dmy(self, i: int):
        m = _RE_DMY.match(self.s, i)
        if not m:
            return None
        d, _, mo, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        spoken = f"{self.date_prefix(i)}{self.day_words(i, d)} tháng {read_month(mo)} năm {read_number(y)}"
        return spoken, m.end()

    def rule_my(self, i: int):
        m = _RE_MY.match(self.s, i)
        if not m:
            return None
        mo = int(m.group(1))
        if not 1 <= mo <= 12:
            return None
        prefix = "" if self.prev_word(i) == "tháng" else "tháng "
        return f"{prefix}{read_month(mo)} năm {read_number(m.group(2))}", m.end()

    def rule_dm(self, i: int):
        m = _RE_DM.match(self.s, i)
        if not m:
            return None
        d_raw, mo_raw = m.group(1), m.group(2)
        d, mo = int(d_raw), int(mo_raw)
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            return None
        in_context = self.prev_word(i) in _DATE_CONTEXT or self.last_numeric or self.s[:i].rstrip().endswith(("-", "–"))
        if not in_context and len(d_raw) == 1 and len(mo_raw) == 1:
            # "1/3 số hộ" is a fraction, not the first of March.
            return f"{read_int(d)} phần {read_int(mo)}", m.end()
        return f"{self.date_prefix(i)}{self.day_words(i, d)} tháng {read_month(mo)}", m.end()

    def rule_time(self, i: int):
        m = _RE_TIME_H.match(self.s, i) or _RE_TIME_COLON.match(self.s, i)
        if not m:
            return None
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) else 0
        if hour > 24 or minute > 59:
            return None
        spoken = f"{read_int(hour)} giờ"
        if minute:
            spoken += f" {read_int(minute)} phút"
        if m.re is _RE_TIME_COLON and m.group(3) and int(m.group(3)):
            if int(m.group(3)) > 59:
                return None
            spoken += f" {read_int(int(m.group(3)))} giây"
        return spoken, m.end()

    def rule_multiply(self, i: int):
        m = _RE_MULTIPLY.match(self.s, i)
        if not m:
            return None
        spoken = f"{read_number(m.group(1))} nhân {read_number(m.group(2))}"
        if m.group(3):
            spoken += " " + UNITS[m.group(3)]
        return spoken, m.end()

    def rule_dotted(self, i: int):
        m = _RE_DOTTED.match(self.s, i)
        if not m or re.fullmatch(r"\d{1,3}(?:\.\d{3})+", m.group(0)):
            return None
        return " chấm ".join(read_number(p) for p in m.group(0).split(".")), m.end()

    def rule_number(self, i: int):
        m = _RE_NUMBER.match(self.s, i)
        if not m:
            return None
        raw = m.group(0)
        unit_m = re.search(rf"\s?(%|{_UNIT_ALT})$", raw)
        unit = None
        if unit_m and not raw[: unit_m.start()].endswith((",", ".")) and re.search(r"\d", raw[: unit_m.start()] or ""):
            number_part = raw[: unit_m.start()]
            unit = unit_m.group(1)
        else:
            number_part = raw
        spoken = self.read_quantity(number_part, i, m.end())
        if unit:
            spoken += " " + UNITS[unit]
        return spoken, m.end()

    def read_quantity(self, raw: str, i: int, end: int) -> str:
        if "," in raw and re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", raw):
            return read_number(raw.replace(",", ""))
        if "," in raw:
            integer, fraction = raw.split(",", 1)
            return read_decimal(integer.replace(".", ""), fraction)
        digits = raw.replace(".", "")
        if len(digits.lstrip("0")) > 9:
            return read_number(digits)
        n = int(digits) if digits else 0
        prev = self.prev_word(i)
        if prev in _ORDINAL_CONTEXT and "." not in raw:
            return read_ordinal(n)
        if prev == "tháng" and 1 <= n <= 12:
            return read_month(n)
        if prev == "ngày" and 1 <= n <= 10 and re.match(r"\s+tháng\b", self.s[end:end + 8]):
            return read_day(n)
        return read_number(digits)

    DIGIT_RULES: tuple[Callable, ...] = ()

    # ----- main loop -----
    def render(self) -> str:
        s = self.s
        i = 0
        n = len(s)
        out = self.out
        while i < n:
            ch = s[i]
            if "0" <= ch <= "9":
                for rule in self.DIGIT_RULES:
                    result = rule(self, i)
                    if result is not None:
                        spoken, end = result
                        out.append(f" {spoken} ")
                        i = end
                        self.last_numeric = True
                        break
                else:  # pragma: no cover - rule_number always matches a digit
                    out.append(f" {read_digits(ch)} ")
                    i += 1
                continue
            if ch.isalpha() or ch in "₫":
                i = self.word(i)
                self.last_numeric = False
                continue
            i = self.symbol(i)
        return "".join(out)

    def word(self, i: int) -> int:
        s = self.s
        m = self.lex_re.match(s, i)
        if m:
            key = m.group(0)
            end = m.end()
            boundary_ok = not (key[-1].isalnum() and end < len(s) and (s[end].isalnum() and s[end] != "_"))
            value = self.lookup(key)
            skip = self.heading and key.isupper() and is_syllable(key)
            if boundary_ok and value is not None and not skip:
                self.out.append(f" {value} ")
                return end
        m = _RE_WORD.match(s, i)
        if not m:
            self.out.append(s[i])
            return i + 1
        token = m.group(0)
        end = m.end()
        prev = self.prev_word(i)
        value = roman_to_int(token) if token.isascii() and token.isupper() else None
        if value and prev in _ROMAN_CONTEXT and value < 4000:
            self.out.append(f" {read_ordinal(value) if prev == 'thứ' else read_int(value)} ")
            return end
        if len(token) >= 2 and token.isupper():
            self.out.append(f" {self.read_caps(token)} ")
            return end
        if len(token) == 1 and token.isupper() and (
            (i > 0 and s[i - 1].isdigit()) or (end < len(s) and s[end].isdigit())
        ):
            self.out.append(f" {LETTER_NAMES.get(token, token.lower())} ")
            return end
        self.out.append(token)
        return end

    def symbol(self, i: int) -> int:
        s = self.s
        ch = s[i]
        before = s[i - 1] if i > 0 else " "
        after = s[i + 1] if i + 1 < len(s) else " "
        if ch == "/":
            if s.startswith("/.", i) and not after2_is_word(s, i + 2):
                # "./." closes an official letter; it is no word.
                self.out.append("" if before == "." else ".")
                return i + 2
            if before.isspace() or before in ":(" or i == 0:
                m = _RE_CODE_AFTER_SLASH.match(s, i + 1)
                if m:
                    self.out.append(f" {self.expand_code(m.group(0))} ")
                    return m.end()
            self.out.append(" trên ")
            return i + 1
        if ch in "-–—":
            nxt = s[i + 1:].lstrip()
            if self.last_numeric and nxt[:1].isdigit():
                self.out.append(" đến ")
                return i + 1
            if after.isdigit() and (before.isspace() or before in "(" or i == 0):
                self.out.append(" âm ")
                return i + 1
            if before.isspace() and after.isspace():
                # A dash after a full stop starts a new list item; elsewhere it is a pause.
                done = "".join(self.out[-3:]).rstrip()
                self.out.append(" " if done.endswith((".", ";", ":", "!", "?")) else ", ")
                return i + 1
            if (before.isalpha() and after.isalpha() and (before.isupper() or after.isupper())) or (
                before.isalpha() and "0" <= after <= "9"
            ):
                self.out.append(" ")
                return i + 1
            self.out.append(ch if ch == "-" else ", ")
            return i + 1
        if ch == "+":
            if after.isdigit() and _RE_PHONE_SHAPE.match(s, i):
                spoken, end = self.rule_phone_shape(i) or (None, None)
                if spoken:
                    self.out.append(f" {spoken} ")
                    return end
            self.out.append(" cộng ")
            return i + 1
        replacement = _SYMBOLS.get(ch)
        if replacement is not None:
            self.out.append(replacement)
            return i + 1
        if not self.last_numeric or not ch.isspace():
            pass
        self.out.append(ch)
        if not ch.isspace():
            self.last_numeric = self.last_numeric and ch in ")"
        return i + 1


def after2_is_word(s: str, j: int) -> bool:
    return j < len(s) and s[j].isalnum()


_Line.DIGIT_RULES = (
    _Line.rule_phone_shape,
    _Line.rule_doc,
    _Line.rule_dmy,
    _Line.rule_my,
    _Line.rule_dm,
    _Line.rule_time,
    _Line.rule_phone_context,
    _Line.rule_multiply,
    _Line.rule_dotted,
    _Line.rule_number,
)

_SYMBOLS = {
    "&": " và ",
    "=": " bằng ",
    "%": " phần trăm ",
    "@": " a còng ",
    "°": " độ ",
    "~": " khoảng ",
    "×": " nhân ",
    "_": " ",
    "|": ", ",
    "\\": " ",
    "•": ", ",
    "<": " nhỏ hơn ",
    ">": " lớn hơn ",
    "#": " ",
    "$": " đô la ",
    "€": " ơ-rô ",
}


def _group_digits(digits: str) -> list[str]:
    """Group an unbroken phone number for pauses: 4-3-3, 4-3-4, or fours."""
    if len(digits) == 10:
        return [digits[:4], digits[4:7], digits[7:]]
    if len(digits) == 11:
        return [digits[:4], digits[4:7], digits[7:]]
    if len(digits) == 8:
        return [digits[:4], digits[4:]]
    if len(digits) == 9:
        return [digits[:3], digits[3:6], digits[6:]]
    return [digits[k:k + 4] for k in range(0, len(digits), 4)]


def _prepare(line: str) -> tuple[str, str]:
    """Strip markup and speak line-start numbering; returns (lead words, rest of line)."""
    line = _decimal_digits_to_ascii(clean_text(line.replace("\r", " ")).replace("\n", " ")).strip()
    line = _RE_MD_HEADING.sub("", line)
    line = _RE_EMPHASIS.sub("", line).strip()
    line = _RE_BULLET.sub("", line)
    m = _RE_LINE_ROMAN.match(line)
    if m and roman_to_int(m.group(1)):
        return read_int(roman_to_int(m.group(1))).capitalize() + ".", line[m.end():]
    m = _RE_LINE_NUMBER.match(line)
    if m:
        number = m.group(1) or m.group(2)
        spoken = " chấm ".join(read_number(p) for p in number.split("."))
        return spoken.capitalize() + ".", line[m.end():]
    m = _RE_LINE_LETTER.match(line)
    if m:
        return LETTER_NAMES.get(m.group(1).upper(), m.group(1)).capitalize() + ".", " " + line[m.end():]
    return "", line


_RE_SPACES = re.compile(r"\s+")
_RE_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…)\]”])")
_RE_SPACE_AFTER_OPEN = re.compile(r"([(\[“])\s+")
_RE_DOUBLE_COMMA = re.compile(r",\s*,")
_RE_TWO_DOTS = re.compile(r"(?<!\.)\.\.(?!\.)")


_RE_SENTENCE_START = re.compile(r"((?:^|[^.])[.!?] )([^\W\d_])")


def _capitalise_sentences(text: str) -> str:
    return _RE_SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _tidy(text: str) -> str:
    text = _RE_SPACES.sub(" ", text).strip()
    text = _RE_SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _RE_SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _RE_DOUBLE_COMMA.sub(",", text)
    text = _RE_TWO_DOTS.sub("...", text)
    return text.lstrip(",; ")


def _no_digits_left(text: str) -> str:
    """Last guard: any decimal digit still present is spoken, never left for the voice."""
    if not any(unicodedata.category(c) == "Nd" for c in text):
        return text
    return "".join(
        f" {read_digits(str(unicodedata.decimal(c)))} " if unicodedata.category(c) == "Nd" else c for c in text
    )


def normalize_line(line: str, lexicon, warnings: list[str]) -> str:
    """Spoken form of one line (no newline inside)."""
    lead, rest = _prepare(line)
    spoken = _Line(rest, lexicon, warnings).render()
    result = _tidy(f"{lead} {spoken}")
    result = _tidy(_no_digits_left(unicodedata.normalize("NFC", result)))
    if result and (lead or rest[:1].isupper()):
        result = result[0].upper() + result[1:]
    result = _capitalise_sentences(result)
    return result.replace("\n", " ")


def normalize(text: str, lexicon: Mapping[str, str] | None = None) -> Normalized:
    """Spoken form of a script, line for line, with warnings about what it could not read."""
    merged = merged_lexicon(dict(lexicon) if lexicon else None)
    compiled = _compile_lexicon(tuple(sorted(merged.items())))
    warnings: list[str] = []
    lines = [normalize_line(line, compiled, warnings) for line in text.split("\n")]
    return Normalized(spoken="\n".join(lines), warnings=warnings)
