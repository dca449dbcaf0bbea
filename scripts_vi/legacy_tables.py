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
