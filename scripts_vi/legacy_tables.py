"""Character tables of the legacy Vietnamese 8-bit font encodings TCVN3 (ABC) and VNI-Windows."""

from __future__ import annotations

# TCVN3 (TCVN 5712:1993, the .VnTime fonts), bytes 0xA0-0xFF. Lowercase letters and the seven
# base capitals are VN3 proper; the other capitals and the combining tones (0xB0-0xB4) fill
# slots VN3 leaves empty, as VN1 does, so VN1 files decode too.
TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # A0-AF
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0-BF
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0-CF
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0-DF
    "Ổỏõóọồổỗốộờởỡớợù"  # E0-EF
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # F0-FF
)
assert len(TCVN3_HIGH) == 96

# The capitals that real VN3 text writes with lowercase codes in the .VnTimeH font.
TCVN3_LOWER_ONLY = frozenset("àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")

# VNI-Windows: a base letter followed by a modifier byte (shown as its cp1252 character).
# Order of the tone codes: sắc, huyền, hỏi, ngã, nặng.
_VNI_TONES_PLAIN = ("ù", "ø", "û", "õ", "ï")
_VNI_TONES_HAT = ("á", "à", "å", "ã", "ä")  # after â, ê, ô (hat written as "â")
_VNI_TONES_BREVE = ("é", "è", "ú", "ü", "ë")  # after ă (breve written as "ê")
_TONE_NAMES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _build_vni() -> dict[str, str]:
    import unicodedata

    table: dict[str, str] = {}

    def add(letter: str, code: str) -> None:
        table[letter] = code
        table[unicodedata.normalize("NFC", letter).upper()] = code.upper()

    def toned(base: str, tone: str) -> str:
        return unicodedata.normalize("NFC", base + tone)

    for base in "aeouy":
        for mark, code in zip(_TONE_NAMES, _VNI_TONES_PLAIN):
            add(toned(base, mark), base + code)
    for base, src in (("â", "a"), ("ê", "e"), ("ô", "o")):
        add(base, src + "â")
        for mark, code in zip(_TONE_NAMES, _VNI_TONES_HAT):
            add(toned(base, mark), src + code)
    add("ă", "aê")
    for mark, code in zip(_TONE_NAMES, _VNI_TONES_BREVE):
        add(toned("ă", mark), "a" + code)
    for base, code in (("ơ", "ô"), ("ư", "ö")):
        add(base, code)
        for mark, tcode in zip(_TONE_NAMES, _VNI_TONES_PLAIN):
            add(toned(base, mark), code + tcode)
    # The letter i and the heavy-tone y are single bytes.
    for mark, code in zip(_TONE_NAMES, ("í", "ì", "æ", "ó", "ò")):
        add(toned("i", mark), code)
    add("ỵ", "î")
    add("đ", "ñ")
    return table


# Unicode letter -> VNI byte string (as cp1252 characters); 134 entries.
VNI_ENCODE = _build_vni()
assert len(VNI_ENCODE) == 134


# VPS (the VPS fonts: "VPS Times"...): single bytes, Latin-1 letters in their places, the other Vietnamese
# letters (capitals with a dot below among them) in C0 and 0x80-0xFF. Byte -> letter where it is not Latin-1,
# as GNU recode's VPS charset has it (tests/scripts_vi/test_import_docx_legacy.py checks against recode).
VPS_DECODE = {
    0x02: "Ạ", 0x03: "Ậ", 0x04: "Ặ", 0x05: "Ẹ", 0x06: "Ệ", 0x10: "Ị", 0x11: "Ọ", 0x12: "Ộ", 0x13: "Ợ", 0x14: "Ụ",
    0x15: "Ự", 0x19: "Ỵ", 0x1C: "Ẫ", 0x1D: "Ữ", 0x80: "À", 0x81: "Ả", 0x82: "Ã", 0x83: "Ấ", 0x84: "Ầ", 0x85: "Ẩ",
    0x86: "ọ", 0x87: "ỗ", 0x88: "Ă", 0x89: "ế", 0x8A: "ề", 0x8B: "ể", 0x8C: "ệ", 0x8D: "Ắ", 0x8E: "Ằ", 0x8F: "Ẳ",
    0x90: "Ế", 0x93: "Ề", 0x94: "Ể", 0x95: "Ễ", 0x96: "Ố", 0x97: "Ồ", 0x98: "Ổ", 0x9A: "ý", 0x9B: "ỷ", 0x9C: "ỵ",
    0x9D: "Ớ", 0x9E: "Ờ", 0x9F: "Ở", 0xA1: "ắ", 0xA2: "ằ", 0xA3: "ẳ", 0xA4: "ẵ", 0xA5: "ặ", 0xA6: "Ỡ", 0xA7: "ớ",
    0xA8: "Ù", 0xA9: "ờ", 0xAA: "ở", 0xAB: "ỡ", 0xAC: "Ũ", 0xAD: "Ứ", 0xAE: "ợ", 0xAF: "Ừ", 0xB0: "ổ", 0xB1: "Ử",
    0xB2: "Ỳ", 0xB3: "Ỹ", 0xB4: "Í", 0xB5: "Ì", 0xB6: "ộ", 0xB7: "Ỉ", 0xB8: "Ĩ", 0xB9: "Ó", 0xBA: "ử", 0xBB: "ữ",
    0xBC: "Ò", 0xBD: "Ỏ", 0xBE: "Õ", 0xBF: "ự", 0xC0: "ầ", 0xC3: "ấ", 0xC4: "ẩ", 0xC5: "ẫ", 0xC6: "ậ", 0xC7: "đ",
    0xC8: "ẻ", 0xCB: "ẹ", 0xCC: "ỉ", 0xCD: "ễ", 0xCE: "ị", 0xCF: "ỹ", 0xD0: "Ư", 0xD1: "Ủ", 0xD2: "ồ", 0xD3: "ố",
    0xD5: "ỏ", 0xD6: "ơ", 0xD7: "È", 0xD8: "ừ", 0xD9: "ứ", 0xDB: "ũ", 0xDC: "ư", 0xDE: "Ẻ", 0xE4: "ả", 0xE5: "ạ",
    0xE6: "ă", 0xEB: "ẽ", 0xEF: "ĩ", 0xF0: "Ẵ", 0xF1: "Đ", 0xF7: "Ơ", 0xF8: "ụ", 0xFB: "ủ", 0xFD: "Ỷ", 0xFE: "Ẽ",
    0xFF: "ỳ",
}
