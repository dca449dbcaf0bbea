"""Spoken form of Vietnamese radio scripts: numbers, dates, times, phones and abbreviations as words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Mapping

from scripts_vi import phones
from scripts_vi.clean import clean_text
from scripts_vi.lexicon import DOC_ISSUERS, DOC_TYPES, LETTER_NAMES, UNITS, merged_lexicon, spell
from scripts_vi.markup import split_numbering, strip_markup
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

_ROMAN_CONTEXT = {
    "quý", "lục", "phần", "chương", "mục", "khóa", "kỳ", "hội", "kỷ", "đoạn", "cấp", "loại",
    "hạng", "thứ", "đợt", "vòng", "tập", "khoản", "điều", "lần", "số",
}
_ORDINAL_CONTEXT = {"thứ", "hạng", "giải"}
_DATE_CONTEXT = {"ngày", "từ", "đến", "hôm", "sáng", "chiều", "tối", "trưa", "đêm", "và", "mùng", "mồng", "trước", "sau"}
# A time of day already names the day: "sáng 15/11" is read without an inserted "ngày".
_TIME_OF_DAY = {"sáng", "chiều", "tối", "trưa", "đêm", "hôm"}
# Streets, squares and schools named after a date: "phố 19/5" is "phố mười chín tháng năm", no "ngày", no "mùng".
_NAMED_AFTER_DATE = {"phố", "đường", "ngõ", "hẻm", "cầu", "chợ", "trường", "quảng", "công", "khu", "sân"}
# Round-the-clock spans read with "trên" even where they look like a date ("trực 24/7").
_ROUND_THE_CLOCK = {("24", "24"), ("24", "7")}

_NUM = r"\d{1,3}(?:,\d{3}){2,}(?![\d,])|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+,\d+|\d+"
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if u != "%")
_NOT_WORD_AFTER = r"(?![^\W_])"

_RE_DOC = re.compile(
    r"(\d+)(?:/(\d{4}))?/\s?([A-ZĐ][A-Za-zĐđ&]*(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ&]*)*)"
)
_RE_DMY = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?!\d)")
_RE_DOC_DASH = re.compile(
    r"(\d+)\s?[-–]\s?([A-ZĐ][A-Za-zĐđ]*)/([A-ZĐ][A-Za-zĐđ&]*(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ&]*)*)"
)
_RE_HEIGHT = re.compile(r"(\d)m(\d{2})" + r"(?![^\W_])")
_RE_DM = re.compile(r"(\d{1,2})/(\d{1,2})(?![/\d])")
_RE_MY = re.compile(r"(\d{1,2})/(\d{4})(?![/\d])")
_RE_TIME_H = re.compile(r"(\d{1,2})h(\d{2})?(?:'|p|ph)?" + _NOT_WORD_AFTER)
_RE_TIME_COLON = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)")
_RE_MULTIPLY = re.compile(rf"(\d+)\s?[x×]\s?(\d+)(?!\d)(?:\s?({_UNIT_ALT}){_NOT_WORD_AFTER})?")
_RE_NUMBER = re.compile(rf"(?:{_NUM})(?:\s?%|\s?(?:{_UNIT_ALT}){_NOT_WORD_AFTER})?")
_RE_DOTTED = re.compile(r"\d+(?:\.\d{1,2})+(?![\d.])|\d+(?:\.\d+){2,}(?!\d)")
_RE_WORD = re.compile(r"[^\W\d_]+")
_PER_UNITS = {"h": "giờ"}
_RE_UNIT_AFTER_SLASH = re.compile(
    "(" + "|".join(re.escape(u) for u in sorted(set(UNITS) | set(_PER_UNITS), key=len, reverse=True) if u != "%") + ")"
    + _NOT_WORD_AFTER
)
_RE_CODE_AFTER_SLASH = re.compile(r"[A-ZĐ][A-Za-zĐđ&]*(?:\s?[-–]\s?[A-ZĐ][A-Za-zĐđ&]*)*")


def _decimal_digits_to_ascii(text: str) -> str:
    """Map other scripts' decimal digits (٣, ３) to ASCII so the number rules see them."""
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
    """One regex trying the longest keys first, plus exact and case-folded lookups."""
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
        """Record an unknown abbreviation once per text."""
        message = UNKNOWN_ABBREVIATION.format(token)
        if message not in self.warnings:
            self.warnings.append(message)

    def prev_word(self, i: int) -> str:
        """The lowercased word just before position i (spaces, quotes and brackets skipped)."""
        tail = self.s[max(0, i - 30):i]
        m = re.search(r"([^\W\d_]+)[\s(\"“]*$", tail)
        return m.group(1).lower() if m else ""

    def lookup(self, key: str) -> str | None:
        """Lexicon value: exact for keys with capitals, any case for lowercase keys."""
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

    def doc_code(self, code: str, i: int) -> str:
        """A document code as officials read it: '45/KH-UBND' -> 'kế hoạch của ủy ban nhân dân' (kind once)."""
        parts = [p for p in re.split(r"\s?[-–/]\s?", code) if p]
        kind = DOC_TYPES.get(parts[0]) if parts else None
        if kind is None:
            return self.expand_code(code)
        issuer = " ".join(DOC_ISSUERS.get(p) or self.expand_code(p) for p in parts[1:])
        before = re.sub(r"(?:[\s:]|\bsố\b)+$", "", self.s[max(0, i - 40):i].lower())
        words = [] if before.endswith(kind) else [kind]
        return " ".join(words + (["của", issuer] if issuer else []))

    def read_caps(self, token: str) -> str:
        """An all-capital token: a Vietnamese word in capitals is read, anything else spelled."""
        if is_syllable(token):
            return token.lower()
        self.warn(token)
        return spell(token)

    # ----- digit rules: each returns (spoken, end) or None -----
    def rule_phone_shape(self, i: int):
        m = phones.match_shape(self.s, i)
        return (phones.read_phone(m.group(0)), m.end()) if m else None

    def rule_phone_context(self, i: int):
        raw = phones.match_in_context(self.s, i)
        return (phones.read_phone(raw), i + len(raw)) if raw else None

    def rule_doc(self, i: int):
        m = _RE_DOC.match(self.s, i)
        if m:
            number, year, code = m.groups()
        else:
            # "12-NQ/TU": number, dash, the kind, then the issuer after the slash.
            m = _RE_DOC_DASH.match(self.s, i)
            if not m or m.group(2) not in DOC_TYPES:
                return None
            number, year, code = m.group(1), None, f"{m.group(2)}-{m.group(3)}"
        spoken = read_number(number)
        if year:
            spoken += " năm " + read_number(year)
        return spoken + " " + self.doc_code(code, i), m.end()

    def date_prefix(self, i: int) -> str:
        """Say "ngày" before a numeric date unless the text already does."""
        prev = self.prev_word(i)
        return "" if prev in ("ngày", "mùng", "mồng") or prev in _TIME_OF_DAY else "ngày "

    def day_words(self, i: int, day: int) -> str:
        """Day of month, with mùng for 1-10 unless the text already wrote mùng."""
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
        prev = self.prev_word(i)
        if prev in _NAMED_AFTER_DATE:
            return f"{read_int(d)} tháng {read_month(mo)}", m.end()
        if (d_raw, mo_raw) in _ROUND_THE_CLOCK and prev not in _DATE_CONTEXT and not self.last_numeric:
            return f"{read_int(d)} trên {read_int(mo)}", m.end()
        in_context = (
            prev in _DATE_CONTEXT
            or self.last_numeric
            or self.s[max(0, i - 4):i].rstrip().endswith(("-", "–"))
        )
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

    def rule_height(self, i: int):
        """'1m70' is one metre seventy (centimetres), not a unit glued between two numbers."""
        m = _RE_HEIGHT.match(self.s, i)
        return (f"{read_int(int(m.group(1)))} mét {read_number(m.group(2))}", m.end()) if m else None

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
        """A number read by its context: ordinal after thứ, month after tháng, mùng for days."""
        if "," in raw and re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}", raw):
            return read_number(raw.replace(",", ""))
        if "," in raw:
            integer, fraction = raw.split(",", 1)
            return read_decimal(integer.replace(".", ""), fraction)
        digits = raw.replace(".", "")
        if len(digits.lstrip("0")) > 9:
            return read_number(digits)
        n = int(digits.lstrip("0") or "0")  # long runs of zeros would pass int()'s digit limit
        prev = self.prev_word(i)
        if prev in _ORDINAL_CONTEXT and "." not in raw:
            return read_ordinal(n)
        if prev == "tháng" and 1 <= n <= 12:
            return read_month(n)
        if prev == "ngày" and 1 <= n <= 10 and re.match(r"\s+tháng\b", self.s[end:end + 8]):
            return read_day(n)
        return read_number(digits)

    DIGIT_RULES: tuple[Callable, ...] = ()  # filled below, once the rules exist

    # ----- main loop -----
    def render(self) -> str:
        """Scan the line token by token; digits, words and symbols each have their rules."""
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
            if ch.isalpha():
                i = self.word(i)
                self.last_numeric = False
                continue
            i = self.symbol(i)
        return "".join(out)

    def word(self, i: int) -> int:
        """Handle the word at i (lexicon, Roman numeral, capitals); returns the next position."""
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
        """Handle one non-letter, non-digit character; returns the next position."""
        s = self.s
        ch = s[i]
        before = s[i - 1] if i > 0 else " "
        after = s[i + 1] if i + 1 < len(s) else " "
        if ch == "/":
            if s.startswith("/.", i) and not (i + 2 < len(s) and s[i + 2].isalnum()):
                # "./." closes an official letter; it is no word.
                self.out.append("" if before == "." else ".")
                return i + 2
            if before.isspace() or before in ":(" or i == 0:
                m = _RE_CODE_AFTER_SLASH.match(s, i + 1)
                if m:
                    self.out.append(f" {self.doc_code(m.group(0), i)} ")
                    return m.end()
            m = _RE_UNIT_AFTER_SLASH.match(s, i + 1)
            if m:
                # "đồng/kg", "km/h": a unit after a slash reads "trên" plus the unit's name.
                self.out.append(f" trên {_PER_UNITS.get(m.group(1)) or UNITS[m.group(1)]} ")
                return m.end()
            self.out.append(" trên ")
            return i + 1
        if ch == ":" and self.last_numeric and "0" <= after <= "9":
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
            found = self.rule_phone_shape(i) if after.isdigit() else None
            if found:
                self.out.append(f" {found[0]} ")
                return found[1]
            self.out.append(" cộng ")
            return i + 1
        replacement = _SYMBOLS.get(ch)
        if replacement is not None:
            self.out.append(replacement)
            return i + 1
        self.out.append(ch)
        if not ch.isspace():
            self.last_numeric = self.last_numeric and ch in ")"
        return i + 1


_Line.DIGIT_RULES = (
    _Line.rule_phone_shape,
    _Line.rule_doc,
    _Line.rule_dmy,
    _Line.rule_my,
    _Line.rule_dm,
    _Line.rule_time,
    _Line.rule_phone_context,
    _Line.rule_multiply,
    _Line.rule_height,
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
    "₫": " đồng ",
}


def _prepare(line: str) -> tuple[str, str]:
    """Clean one line, drop its markup and split off spoken numbering: (lead words, rest)."""
    line = _decimal_digits_to_ascii(clean_text(line.replace("\r", " ")).replace("\n", " ")).strip()
    return split_numbering(strip_markup(line))


_RE_SPACES = re.compile(r"\s+")
_RE_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…)\]”])")
_RE_SPACE_AFTER_OPEN = re.compile(r"([(\[“])\s+")
_RE_DOUBLE_COMMA = re.compile(r",\s*,")
_RE_TWO_DOTS = re.compile(r"(?<!\.)\.\.(?!\.)")


_RE_SENTENCE_START = re.compile(r"((?:^|[^.])[.!?] )([^\W\d_])")


def _capitalise_sentences(text: str) -> str:
    """Capitalise the first letter after a full stop, as expansions start lowercase."""
    return _RE_SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _tidy(text: str) -> str:
    """Collapse the spaces the rules leave around their words and before punctuation."""
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


# espeak-ng's own phoneme input ("[[h'a2:n]]", from a station's lexicon): passed to the voice untouched.
PHONEMES = re.compile(r"\[\[[^\[\]\n]+\]\]")
_HELD = "\ue000"  # stands for a phoneme span while the tidying rules run (no rule matches it)
_TYPED = "\ue001"  # the same for spans typed in the text, held from the first rule on


def normalize_line(line: str, lexicon, warnings: list[str]) -> str:
    """Spoken form of one line (no newline inside)."""
    lead, rest = _prepare(line.replace(_HELD, "").replace(_TYPED, ""))  # private-use marks are ours alone
    typed = PHONEMES.findall(rest) if "[[" in rest else []  # phonemes typed in the script itself
    if typed:
        rest = PHONEMES.sub(_TYPED, rest)
    spoken = _Line(rest, lexicon, warnings).render()
    held = PHONEMES.findall(spoken) if "[[" in spoken else []
    result = _tidy(_no_digits_left(PHONEMES.sub(_HELD, f"{lead} {spoken}") if held else f"{lead} {spoken}"))
    if result and (lead or rest[:1].isupper()):
        result = result[0].upper() + result[1:]
    result = _capitalise_sentences(result)
    for span in held:
        result = result.replace(_HELD, span, 1)
    for span in typed:
        result = result.replace(_TYPED, span, 1)
    return unicodedata.normalize("NFC", result.replace("\n", " "))


def normalize(text: str, lexicon: Mapping[str, str] | None = None) -> Normalized:
    """Spoken form of a script, line for line, with warnings about what it could not read."""
    merged = merged_lexicon(dict(lexicon) if lexicon else None)
    compiled = _compile_lexicon(tuple(sorted(merged.items())))
    warnings: list[str] = []
    lines = [normalize_line(line, compiled, warnings) for line in text.split("\n")]
    return Normalized(spoken="\n".join(lines), warnings=warnings)
