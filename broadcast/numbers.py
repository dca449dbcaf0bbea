"""Numbers as Vietnamese readers write them: dot between thousands, comma before decimals."""

from __future__ import annotations


def vn_number(value: float, decimals: int = 0) -> str:
    """A number in Vietnamese notation: fixed decimals, or with decimals=0 a whole number bare and any other with one decimal."""
    if decimals:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    # Swap the two separators through a placeholder so neither overwrites the other.
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_minutes(seconds: float, decimals: int = 1) -> str:
    """Seconds as minutes in Vietnamese notation (decimals=0: rounded to whole minutes)."""
    minutes = seconds / 60.0
    return vn_number(round(minutes) if decimals == 0 else minutes, decimals)
