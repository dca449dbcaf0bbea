"""Text hygiene: NFC, no invisible or control characters, one tone-mark style."""

from __future__ import annotations

import re
import unicodedata

from scripts_vi.syllable import retone_text

# Zero-width characters, bidi marks and other invisible format characters.
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen
    "\u200e\u200f\u061c"  # LRM, RLM, ALM
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u180e\u2061\u2062\u2063\u2064"  # Mongolian vowel separator, invisible operators
)
_DROP = {ord(ch): None for ch in _INVISIBLE}
# C0 and C1 controls other than \n and \t are dropped; \t becomes a space.
_DROP.update({cp: None for cp in range(0x00, 0x20) if cp not in (0x09, 0x0A)})
_DROP.update({cp: None for cp in range(0x7F, 0xA0)})
_DROP[0x09] = " "
# Unicode spaces and line separators read as a plain space on one line.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DROP.update({ord(ch): " " for ch in _SPACES})
_DROP.update({0x2028: "\n", 0x2029: "\n", 0x85: "\n", 0x0B: "\n", 0x0C: "\n"})

_MULTISPACE = re.compile(r" {2,}")
_TRAILING = re.compile(r" +\n")


def clean_text(text: str) -> str:
    """Return text in NFC with invisible/control characters removed and tone marks unified."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_DROP)
    text = unicodedata.normalize("NFC", text)
    text = retone_text(text)
    text = _MULTISPACE.sub(" ", text)
    return _TRAILING.sub("\n", text)
