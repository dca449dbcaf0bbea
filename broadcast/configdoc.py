"""Writes docs/configuration.md from the settings' help texts (python -m broadcast.configdoc)."""

from __future__ import annotations

from pathlib import Path

from broadcast.config import Settings, setting_help

HEADER = (
    "# Configuration\n\n"
    "Every setting has a default; set it with an environment variable `LOAXA_<NAME>` or in a TOML file named by "
    "`LOAXA_CONFIG` (keys under `[loaxa]`). Environment variables win over the file. A bad value stops start-up "
    "with a sentence naming the setting.\n\n| variable | default | meaning |\n|---|---|---|\n"
)
FOOTER = "\nThis file is generated from `broadcast/config.py` (`python -m broadcast.configdoc`); a test checks that it lists every setting.\n"


def render() -> str:
    """The configuration page as Markdown."""
    defaults = Settings()
    rows = "".join(f"| `LOAXA_{name.upper()}` | `{getattr(defaults, name)}` | {text} |\n" for name, text in setting_help().items())
    return HEADER + rows + FOOTER


if __name__ == "__main__":
    Path(__file__).resolve().parent.parent.joinpath("docs", "configuration.md").write_text(render(), encoding="utf-8")
