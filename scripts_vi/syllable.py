"""Vietnamese syllable structure: validity checks and tone-mark placement."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks; circumflex, breve and horn form letters and are not tones.
TONE_MARKS = {
    "\u0300": "huyen",
    "\u0301": "sac",
    "\u0303": "nga",
    "\u0309": "hoi",
    "\u0323": "nang",
}

INITIALS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)

# Vowel clusters that may end a syllable with no final consonant.
_OPEN_NUCLEI = {
    "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oa", "oai", "oao", "oay",
    "oe", "oeo", "oi", "ôi", "ơi", "ua", "uây", "uê", "ui", "uôi", "uơ", "uy", "uya", "uyu",
    "ưa", "ưi", "ưu", "ươi", "ươu", "iêu", "yêu", "uêu",
}
# Vowel clusters that may take a final consonant.
_CLOSED_NUCLEI = {
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "iê", "yê", "uô", "ươ", "oa", "oă", "oe", "uâ", "uê", "uy", "uyê", "oo", "uơ",
}
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")
# ch/nh only follow front vowels (and "a", written for the front allophone).
_FRONT_ONLY = {"ch", "nh"}
_FRONT_NUCLEI = {"a", "ê", "i", "y", "oa", "uê", "uy", "e"}
_STOP_FINALS = {"c", "ch", "p", "t"}
_MARKED_VOWELS = "ăâêôơư"
VOWELS = set("aăâeêioôơuưy")

_WORD_RE = re.compile(r"[^\W\d_]+")


def split_tone(word: str) -> tuple[str, str | None, int]:
    """Return (toneless NFC word, tone name or None, number of tone marks found)."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = None
    count = 0
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
            count += 1
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone, count


def _split_rhyme(rhyme: str) -> tuple[str, str] | None:
    for final in _FINALS:
        if rhyme.endswith(final) and len(rhyme) > len(final):
            nucleus = rhyme[: -len(final)]
            if nucleus in _CLOSED_NUCLEI:
                if final in _FRONT_ONLY and nucleus not in _FRONT_NUCLEI:
                    return None
                return nucleus, final
            return None
    if rhyme in _OPEN_NUCLEI:
        return rhyme, ""
    return None


@lru_cache(maxsize=65536)
def parse(toneless_lower: str) -> tuple[str, str, str] | None:
    """Split a toneless lowercase syllable into (initial, nucleus, final), or None."""
    for initial in INITIALS + ("",):
        if not toneless_lower.startswith(initial):
            continue
        rest = toneless_lower[len(initial):]
        if not rest:
            continue
        if initial == "gi" and rest[0] not in VOWELS:
            continue
        split = _split_rhyme(rest)
        if split is not None:
            return initial, split[0], split[1]
    # "gi" before a consonant, e.g. "gìn": the i is the vowel.
    if toneless_lower.startswith("gi"):
        split = _split_rhyme(toneless_lower[1:])
        if split is not None:
            return "g", split[0], split[1]
    return None


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when word is one well-formed Vietnamese syllable (any case, NFC or NFD)."""
    toneless, tone, count = split_tone(word.lower())
    if count > 1:
        return False
    parts = parse(toneless)
    if parts is None:
        return False
    if parts[2] in _STOP_FINALS and tone not in ("sac", "nang"):
        return False
    return True


def _tone_index(nucleus: str, final: str) -> int:
    """Index in nucleus of the vowel that carries the tone (traditional style: hòa, thủy)."""
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if len(nucleus) == 3:
        return 1
    if len(nucleus) == 2:
        return 1 if final else 0
    return 0


_TONE_CHAR = {name: mark for mark, name in TONE_MARKS.items()}


@lru_cache(maxsize=65536)
def retone(word: str) -> str:
    """Place the tone mark of a Vietnamese syllable on its standard vowel; other words unchanged."""
    lower = word.lower()
    toneless, tone, count = split_tone(lower)
    if count != 1 or len(toneless) != len(word):
        return word
    parts = parse(toneless)
    if parts is None:
        return word
    initial, nucleus, final = parts
    pos = len(initial) + _tone_index(nucleus, final)
    base = unicodedata.normalize("NFD", toneless[pos])
    toned = unicodedata.normalize("NFC", base + _TONE_CHAR[tone])
    result = toneless[:pos] + toned + toneless[pos + 1:]
    # Restore the original letter case position by position.
    return "".join(r.upper() if o.isupper() else r for r, o in zip(result, word))


def retone_text(text: str) -> str:
    """Apply retone to every word of an NFC text."""
    return _WORD_RE.sub(lambda m: retone(m.group(0)), text)
