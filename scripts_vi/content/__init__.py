"""Ready-made broadcast scripts shipped with loaxa, one folder per campaign."""

from __future__ import annotations

from pathlib import Path

from scripts_vi.scriptfile import ScriptDoc, parse_script

CONTENT_DIR = Path(__file__).resolve().parent


def campaign_files(campaign: str) -> list[Path]:
    """The script files of one campaign folder, sorted by name."""
    return sorted((CONTENT_DIR / campaign).glob("*.md"))


def load_campaign(campaign: str) -> list[tuple[Path, ScriptDoc]]:
    """Parse every script of a campaign."""
    return [(path, parse_script(path.read_text(encoding="utf-8"))) for path in campaign_files(campaign)]
