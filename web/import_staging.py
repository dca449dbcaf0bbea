"""Uploaded files kept between the import preview and the editor's confirmation, one folder per upload."""

from __future__ import annotations

import json
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from werkzeug.utils import secure_filename

SUFFIXES = {".txt", ".md", ".docx", ".doc", ".pdf"}
MAX_AGE_S = 24 * 3600  # an upload nobody confirmed within a day is thrown away
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_NAMES = "names.json"


@dataclass(frozen=True)
class Staged:
    """An upload waiting for confirmation: its token, the saved files and the names the editor gave them."""

    token: str
    paths: list[Path]
    names: dict[str, str]

    def name_of(self, path: Path) -> str:
        return self.names.get(Path(path).name, Path(path).name)


def _folder(root: Path, owner: int, token: str) -> Path:
    return root / f"{owner}-{token}"


def stage(root: Path, owner: int, uploads) -> tuple[Staged, list[tuple[str, str]]]:
    """Save the uploads of one form under a new token; files of a kind we do not read are refused by name."""
    sweep(root)
    token = uuid.uuid4().hex
    folder = _folder(root, owner, token)
    folder.mkdir(parents=True)
    names: dict[str, str] = {}
    refused: list[tuple[str, str]] = []
    for index, upload in enumerate(uploads):
        original = upload.filename or ""
        name = secure_filename(original) or f"tep-{index}"
        if Path(name).suffix.lower() not in SUFFIXES:
            refused.append((original, "Không phải tệp .txt, .md, .docx, .doc hoặc .pdf."))
            continue
        saved = f"{index:03d}-{name}"
        upload.save(folder / saved)
        names[saved] = original or name
    (folder / _NAMES).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    return Staged(token, [folder / n for n in sorted(names)], names), refused


def staged(root: Path, owner: int, token: str) -> Staged | None:
    """The upload of this editor under this token, or None if it is unknown, someone else's or gone."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder(root, owner, token)
    try:
        names = json.loads((folder / _NAMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Staged(token, [folder / n for n in sorted(names) if (folder / n).is_file()], names)


def discard(root: Path, owner: int, token: str) -> None:
    """Remove an upload's folder (after confirmation or cancellation)."""
    if _TOKEN.match(token or ""):
        shutil.rmtree(_folder(root, owner, token), ignore_errors=True)


def sweep(root: Path, max_age_s: float = MAX_AGE_S) -> None:
    """Remove uploads older than max_age_s that nobody confirmed."""
    if not root.is_dir():
        return
    limit = time.time() - max_age_s
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
