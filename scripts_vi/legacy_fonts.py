"""Which legacy Vietnamese encoding a font name implies: the .Vn* family (TCVN3), VNI-* and VPS fonts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FontEncoding:
    """The encoding a font draws, and whether it draws every letter as a capital (.VnTimeH)."""

    encoding: str
    capitals: bool = False


def font_encoding(font: str | None) -> FontEncoding | None:
    """The legacy encoding of a font by its family name, or None for a Unicode (or unknown) font."""
    if not font:
        return None
    name = font.strip()
    if name.lower().startswith(".vn"):
        # ABC fonts: .VnTime, .VnArial, .VnCentury Schoolbook...; a final H (.VnTimeH, .VnArialH)
        # is the capitals font, whose lowercase codes are drawn as capitals.
        return FontEncoding("tcvn3", capitals=len(name) > 3 and name.endswith("H"))
    if name.lower().startswith("vni-") or name.lower().startswith("vni "):
        return FontEncoding("vni")
    if name.lower().startswith("vps"):
        return FontEncoding("vps")  # VPS Times, VPS Arial...
    return None
