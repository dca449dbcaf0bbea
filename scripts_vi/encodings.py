"""Decode script bytes: UTF-8/16/32, Windows-1258, TCVN3 (ABC) and VNI, chosen by scoring."""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from scripts_vi.clean import clean_text
from scripts_vi.errors import UnknownEncoding
from scripts_vi.legacy_tables import TCVN3_HIGH, TCVN3_LOWER_ONLY, VNI_ENCODE, VPS_DECODE
from scripts_vi.syllable import TONE_MARKS, is_syllable, retone

# Below this share of non-ASCII characters sitting in real Vietnamese syllables, we give up.
MIN_SCORE = 0.5
# Bytes that never appear in text files; a few are tolerated (stray form feeds, DOS EOF).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1A))
_NEUTRAL = set("\u00a0“”‘’–—…•«»°×·§©®™€")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the name of the encoding that was recognised."""

    text: str
    encoding: str


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_CP1252 = "".join(_cp1252_char(b) for b in range(256))

# TCVN3: ASCII below 0x80, Windows punctuation in 0x80-0x9F (the fonts keep it), table above.
_TCVN3_DECODE = _CP1252[:0xA0] + TCVN3_HIGH
_TCVN3_ENCODE = {ch: bytes([0xA0 + i]) for i, ch in enumerate(TCVN3_HIGH) if ch not in TCVN3_LOWER_ONLY}
for _i, _ch in enumerate(TCVN3_HIGH):
    if _ch in TCVN3_LOWER_ONLY:
        _TCVN3_ENCODE[_ch] = bytes([0xA0 + _i])
        _TCVN3_ENCODE.setdefault(_ch.upper(), bytes([0xA0 + _i]))
for _ch in "ĂÂÊÔƠƯĐ":
    _TCVN3_ENCODE[_ch] = bytes([0xA0 + TCVN3_HIGH.index(_ch)])


def _vni_decode_map() -> dict[str, str]:
    table = {code: letter for letter, code in VNI_ENCODE.items()}
    # Tolerate a modifier typed in the other case than its base letter.
    for code, letter in list(table.items()):
        if len(code) == 2:
            for variant in (code[0] + code[1].swapcase(),):
                table.setdefault(variant, letter)
    return table


_VNI_DECODE = _vni_decode_map()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True)))
_WORD_RE = re.compile(r"[^\W\d_]+")


def encode_tcvn3(text: str) -> bytes:
    """Encode NFC text as TCVN3; toned capitals use lowercase codes, as .VnTimeH fonts do."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in _TCVN3_ENCODE:
            out += _TCVN3_ENCODE[ch]
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    """Encode NFC text as VNI-Windows bytes."""
    parts = [VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text)]
    return "".join(parts).encode("cp1252")


def encode_cp1258(text: str) -> bytes:
    """Encode text as Windows-1258, writing tones as combining marks where needed."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def _case_evidence(word: str) -> str:
    """Classify a TCVN3-decoded word by its letters whose case survived the encoding."""
    kept = [c for c in word if c not in TCVN3_LOWER_ONLY and c.lower() != c.upper()]
    if any(c.islower() for c in kept):
        return "lower"
    # Capital abbreviations (UBND) prove nothing about their neighbours; real words do.
    return "upper" if len(kept) >= 2 and is_syllable(word) else "unsure"


def _restore_tcvn3_capitals(text: str) -> str:
    """Recover capitals that TCVN3 can only write with lowercase codes (.VnTimeH headings)."""
    lines = []
    for line in text.split("\n"):
        matches = list(_WORD_RE.finditer(line))
        kinds = [_case_evidence(m.group(0)) for m in matches]
        out = list(line)
        for i, m in enumerate(matches):
            word = m.group(0)
            if kinds[i] == "upper" or (kinds[i] == "unsure" and _neighbour_upper(kinds, i)):
                new = word.upper()
            elif kinds[i] != "upper" and word[0] in TCVN3_LOWER_ONLY and _sentence_start(line, m.start()):
                new = word[0].upper() + word[1:]
            else:
                continue
            out[m.start():m.end()] = list(new)
        lines.append("".join(out))
    return "\n".join(lines)


def _neighbour_upper(kinds: list[str], i: int) -> bool:
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(kinds) and kinds[j] == "unsure":
            j += step
        if 0 <= j < len(kinds) and kinds[j] == "upper":
            return True
    return False


def _sentence_start(line: str, pos: int) -> bool:
    before = line[:pos].rstrip(" \t\"“‘'(*#-")
    # Not after a colon: Vietnamese goes on in lowercase there ("Chủ đề: ý thức"), and a
    # lowercase letter the author wrote must come back lowercase.
    return not before or before[-1] in ".!?"


def _tcvn3_codes(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("latin-1").translate({i: _TCVN3_DECODE[i] for i in range(0x80, 0x100)}))


def _decode_tcvn3(data: bytes) -> str:
    return _restore_tcvn3_capitals(_tcvn3_codes(data))


def _decode_vni(data: bytes) -> str:
    text = data.decode("latin-1").translate({i: _CP1252[i] for i in range(0x80, 0xA0)})
    return _VNI_RE.sub(lambda m: _VNI_DECODE[m.group(0)], text)


def _decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258"))


# In the order that wins a tie: a short text can read as well-placed Vietnamese in two encodings (TCVN3's "có" is VNI's
# "cã"), and then the more common one in commune offices wins. TCVN3 (.VnTime, the national standard until Unicode)
# first, VNI second; Windows-1258 was rare in office documents.
_LEGACY = (("tcvn3", _decode_tcvn3), ("vni", _decode_vni), ("cp1258", _decode_cp1258))
_VPS = {b: VPS_DECODE.get(b, chr(b)) for b in range(0x100)}


def _decode_vps(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_VPS))


_LITERAL = {
    "tcvn3": _tcvn3_codes,
    "vps": _decode_vps,
    "vni": _decode_vni,
    "cp1258": _decode_cp1258,
}
_FROM_CP1252 = {ch: i for i, ch in enumerate(_CP1252)}
LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI", "cp1258": "Windows-1258", "vps": "VPS"}


def font_bytes(text: str) -> bytes | None:
    """The 8-bit codes a legacy (ANSI) font was given for text, as Word stores them; None if not 8-bit."""
    out = bytearray()
    for ch in text:
        code = _FROM_CP1252.get(ch)
        if code is None:
            if ord(ch) >= 0x100:
                return None
            code = ord(ch)  # C1 controls and the five unassigned cp1252 slots are stored as themselves
        out.append(code)
    return bytes(out)


def decode_literal(data: bytes, encoding: str) -> str:
    """Decode bytes known to be in a legacy encoding code by code, guessing no capitals."""
    return _LITERAL[encoding](data)


# Vietnamese is written in Latin letters: a document whose letters are mostly of other scripts (or private-use
# and unassigned code points) is a binary file some converter read as text, not a script.
MIN_LATIN_SHARE = 0.8


@functools.lru_cache(maxsize=4096)
def _kind(ch: str) -> str:
    """"odd" (unassigned, private use, replacement), "latin" or "other" letter, or "" for anything else."""
    if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cn", "Cs"):
        return "odd"
    if not ch.isalpha():
        return ""
    return "latin" if "LATIN" in unicodedata.name(ch, "") else "other"


def looks_vietnamese_script(text: str) -> bool:
    """Whether the letters of a text are mostly Latin and it holds next to no unassigned or private-use code points."""
    kinds = Counter(_kind(ch) for ch in text if ord(ch) > 0x7F)
    if kinds["odd"] > max(2, len(text) // 100):
        return False
    ascii_letters = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    letters = ascii_letters + kinds["latin"] + kinds["other"]
    return not letters or ascii_letters + kinds["latin"] >= MIN_LATIN_SHARE * letters


def redecode_legacy(text: str) -> Decoded | None:
    """Legacy-font text shown as Windows-1252 letters (mojibake) decoded, or None if it reads better as it is."""
    data = font_bytes(text)
    if data is None or all(b < 0x80 for b in data):
        return None
    best = _best_legacy(data)
    if best is None or best[0] < MIN_SCORE or best[0] <= score(text):
        return None
    return Decoded(best[2], best[1])


def _best_legacy(data: bytes) -> tuple[float, str, str] | None:
    """(score, encoding, text) of the legacy decoding that reads most like Vietnamese; the first wins a tie."""
    best: tuple[float, str, str] | None = None
    best_rank: tuple[float, int, int, int] = (-1.0, -1, -1, -1)
    for name, decoder in _LEGACY:
        try:
            text = decoder(data)
        except UnicodeDecodeError:
            continue
        good, total = _letters_in_syllables(text)
        # On an equal share, the decoding with more letters in syllables whose tone sits where Vietnamese writes it
        # wins: byte F9 after "ca" is VNI's "cá", not cp1258's "caù"; bytes F4 EC after "s" are cp1258's "số", not
        # VNI's "sơì"; byte B7 after "ng" is TCVN3's "ngã", not the neutral dot "·". Then more letters in syllables at
        # all, then fewer capitals inside a sentence: byte CA after "ba " is TCVN3's "ấm", not cp1258's "Êm".
        rank = (good / total if total else 1.0, _letters_in_placed_syllables(text), good, -_capitals_mid_sentence(text))
        if rank > best_rank:
            best, best_rank = (rank[0], name, text), rank
    return best


def score(text: str) -> float:
    """Share of non-ASCII characters that sit inside well-formed Vietnamese syllables."""
    good, total = _letters_in_syllables(text)
    return good / total if total else 1.0


def syllable_letters(text: str) -> int:
    """How many non-ASCII characters sit inside well-formed Vietnamese syllables."""
    return _letters_in_syllables(text)[0]


def _letters_in_syllables(text: str) -> tuple[int, int]:
    """(non-ASCII characters inside well-formed Vietnamese syllables, non-ASCII characters that are not neutral)."""
    text = unicodedata.normalize("NFC", text)
    total = sum(1 for ch in text if ord(ch) > 0x7F and ch not in _NEUTRAL and not ch.isspace())
    good = 0
    for m in _WORD_RE.finditer(text):
        word = m.group(0)
        if is_syllable(word):
            good += sum(1 for ch in word if ord(ch) > 0x7F)
    return good, total


def _letters_in_placed_syllables(text: str) -> int:
    """How many non-ASCII characters sit inside syllables whose tone mark is on its standard vowel."""
    text = unicodedata.normalize("NFC", text)
    return sum(sum(1 for ch in word if ord(ch) > 0x7F) for word in _WORD_RE.findall(text) if is_syllable(word) and retone(word) == word)


def _capitals_mid_sentence(text: str) -> int:
    """How many non-ASCII capitals follow a lowercase letter within a sentence (a legacy byte misread as a capital)."""
    count, after_lowercase = 0, False
    for ch in unicodedata.normalize("NFC", text):
        if ch.isalpha():
            if after_lowercase and ch.isupper() and ord(ch) > 0x7F:
                count += 1
            after_lowercase = ch.islower()
        elif ch not in " ,":  # a sentence or a line may start after anything else
            after_lowercase = False
    return count


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls > max(2, len(sample) // 100)


def _bom(data: bytes) -> Decoded | None:
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                raise UnknownEncoding(
                    f"Tệp ghi dấu là {name.upper()} nhưng nội dung bị hỏng; hãy mở và lưu lại tệp dưới dạng văn bản UTF-8."
                ) from exc
    return None


def _guess_utf16_without_bom(data: bytes) -> Decoded | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    name = "utf-16-le" if odd_nuls > 0.3 and even_nuls < 0.05 else "utf-16-be" if even_nuls > 0.3 and odd_nuls < 0.05 else None
    if name is None:
        return None
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None
    return Decoded(text, name)


def _binary_error() -> UnknownEncoding:
    return UnknownEncoding(
        "Nội dung không phải là văn bản (có vẻ là tệp nhị phân); hãy mở bằng Word hoặc Notepad và lưu lại thành tệp văn bản UTF-8."
    )


def _raw_decode(data: bytes) -> Decoded:
    if not data:
        return Decoded("", "utf-8")
    found = _bom(data)
    if found is not None:
        return found
    if b"\x00" in data[:65536]:
        found = _guess_utf16_without_bom(data)
        if found is not None and score(found.text) >= MIN_SCORE:
            return found
        raise _binary_error()
    if _looks_binary(data):
        raise _binary_error()
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = _best_legacy(data)
    if best is None or best[0] < MIN_SCORE:
        raise UnknownEncoding(
            "Không nhận ra bảng mã tiếng Việt của nội dung (không phải UTF-8, TCVN3, VNI hay Windows-1258); hãy mở tệp và lưu lại với bảng mã Unicode UTF-8."
        )
    return Decoded(best[2], best[1])


def decode_bytes(data: bytes) -> Decoded:
    """Detect the encoding of script bytes and return cleaned NFC text."""
    raw = _raw_decode(data)
    text = raw.text
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\x1a" for ch in text[:65536]):
        # A decodable file full of control characters is still not a script.
        controls = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\x1a")
        if controls > max(2, len(text[:65536]) // 100):
            raise _binary_error()
    return Decoded(clean_text(text), raw.encoding)
