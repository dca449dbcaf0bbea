"""Report charts as PNG bytes (matplotlib's Agg backend: no display needed)."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # headless servers have no display; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from broadcast.reports.compute import CampaignReport  # noqa: E402

# Liberation Serif has Times New Roman's metrics and full Vietnamese; DejaVu is the fallback.
FONTS = ["Times New Roman", "Liberation Serif", "DejaVu Serif", "DejaVu Sans"]
AIRED_COLOR = "#1f5fa8"
SHORT_COLOR = "#c0392b"
TARGET_COLOR = "#333333"


VIETNAMESE_PROBE = "ựờẫỹĐ"


@lru_cache(maxsize=1)
def _font_file() -> str | None:
    """The first regular font of FONTS that has every Vietnamese letter (old Liberation 1.x does not)."""
    for name in FONTS:
        for entry in font_manager.fontManager.ttflist:
            if entry.name == name and entry.style == "normal" and entry.weight in (400, "normal"):
                try:
                    charmap = FT2Font(entry.fname).get_charmap()
                except (OSError, RuntimeError):
                    continue
                if all(ord(ch) in charmap for ch in VIETNAMESE_PROBE):
                    return entry.fname
    return None


def _font(size: float) -> FontProperties:
    path = _font_file()
    return FontProperties(fname=path, size=size) if path else FontProperties(family="sans-serif", size=size)


def _fonts(ax, size: float = 8) -> None:  # type: ignore[no-untyped-def]
    """Give every label of an axis the Vietnamese-capable font."""
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontproperties(_font(size))


def _style() -> dict:
    return {"font.size": 10, "axes.spines.top": False, "axes.spines.right": False}


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def daily_chart(report: CampaignReport) -> bytes:
    """Campaign minutes aired per day as bars, the daily target as a line; days short of it in red."""
    with plt.rc_context(_style()):
        fig, ax = plt.subplots(figsize=(6.6, 2.9))
        labels = [d.date.strftime("%d/%m") for d in report.days]
        aired = [d.aired_seconds / 60 for d in report.days]
        target = [d.target_seconds / 60 for d in report.days]
        colors = [AIRED_COLOR if d.met else SHORT_COLOR for d in report.days]
        x = range(len(labels))
        ax.bar(x, aired, color=colors, width=0.75, label="Đã phát (phút)")
        ax.step([i - 0.5 for i in x] + [len(labels) - 0.5], target + target[-1:], where="post", color=TARGET_COLOR,
                linestyle="--", linewidth=1.2, label="Chỉ tiêu (phút)")
        step = max(1, len(labels) // 16)
        ax.set_xticks(list(x)[::step])
        ax.set_xticklabels(labels[::step], rotation=60)
        ax.set_ylabel("Phút", fontproperties=_font(9))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(-0.7, len(labels) - 0.3)
        ax.set_ylim(0, max(aired + target + [1]) * 1.18)
        handles, names = ax.get_legend_handles_labels()
        if any(not d.met for d in report.days):
            from matplotlib.patches import Patch

            handles.append(Patch(color=SHORT_COLOR))
            names.append("Ngày chưa đạt chỉ tiêu")
        ax.legend(handles, names, loc="upper left", ncols=3, prop=_font(8), frameon=False)
        ax.grid(axis="y", linewidth=0.4, alpha=0.5)
        _fonts(ax)
        return _png(fig)


def scripts_chart(report: CampaignReport) -> bytes:
    """Minutes aired per script as horizontal bars, numbered like the report's table."""
    with plt.rc_context(_style()):
        rows = report.scripts
        fig, ax = plt.subplots(figsize=(6.6, 0.9 + 0.24 * len(rows)))
        y = list(range(len(rows)))[::-1]
        values = [s.aired_seconds / 60 for s in rows]
        ax.barh(y, values, color=AIRED_COLOR, height=0.65)
        ax.set_yticks(y)
        ax.set_yticklabels([f"{i + 1}. {_short(s.title)}" for i, s in enumerate(rows)])
        for yi, value, s in zip(y, values, rows):
            ax.text(value, yi, f" {s.plays} lần", va="center", fontproperties=_font(7))
        ax.set_xlabel("Phút đã phát", fontproperties=_font(9))
        ax.set_xlim(0, max(values + [1]) * 1.15)
        ax.grid(axis="x", linewidth=0.4, alpha=0.5)
        _fonts(ax)
        return _png(fig)


def _short(title: str, limit: int = 48) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
