"""The benchmarks page's analysis: bench/analysis.md, a Jinja template, filled with one run's own figures."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment, StrictUndefined

TEMPLATE = Path(__file__).with_name("analysis.md")


def fmt(value: object) -> str:
    """A figure as the page prints it: 4 significant digits below 1000, thousands separated, — when missing."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


class _Formatted:
    """figures[key] formatted for the page; a key the run did not measure is undefined (an error in the template)."""

    def __init__(self, figures: Mapping[str, object]) -> None:
        self._figures = figures

    def __getitem__(self, key: str) -> str:
        return fmt(self._figures[key])


def render(figures: Mapping[str, object], aims: Mapping[str, float], missed: list[str], template: str | None = None) -> str:
    """The analysis for these figures; aims by key, missed = keys whose figure misses its aim in this run."""
    numbers = {k: v for k, v in figures.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}

    def has(*keys: str) -> bool:
        return all(k in numbers for k in keys)

    def ratio(key: str, base: str) -> str:
        return f"{numbers[key] / numbers[base]:,.3g}"

    env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    page = env.from_string(template if template is not None else TEMPLATE.read_text(encoding="utf-8"))
    text = page.render(v=_Formatted(numbers), n=numbers, has=has, ratio=ratio, fmt=fmt, aim=lambda k: fmt(aims[k]), aims=aims,
                       missed=lambda k: k in missed, missed_keys=missed)
    # Sections left out leave blank lines behind: keep at most one between paragraphs.
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
