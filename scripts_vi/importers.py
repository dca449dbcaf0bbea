"""Import scripts from .txt, .md and .docx files and folders, one failure never stopping the rest."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from scripts_vi.clean import clean_text
from scripts_vi.encodings import decode_bytes
from scripts_vi.errors import ImportFailed, ScriptError
from scripts_vi.scriptfile import ScriptDoc, parse_script

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A .docx is a zip; these bound what opening it may unpack (zip bomb protection).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000
TEXT_SUFFIXES = (".txt", ".md")
DOCX_SUFFIX = ".docx"
SUFFIXES = TEXT_SUFFIXES + (DOCX_SUFFIX,)

_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s*)?")
_MD_EMPHASIS = re.compile(r"\*\*|__|\*|`")


@dataclass(frozen=True)
class ImportedScript:
    """One imported script: title, body, where it came from and its header if it had one."""

    title: str
    body: str
    source_path: Path
    encoding: str
    header: ScriptDoc | None = None


@dataclass
class ImportReport:
    """What import_paths did: scripts imported and (path, Vietnamese reason) for each failure."""

    imported: list[ImportedScript] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)


def _fail(path: Path, detail: str) -> ImportFailed:
    return ImportFailed(f"Tệp «{path.name}» {detail}")


def _plain_line(line: str) -> str:
    return _MD_EMPHASIS.sub("", _MD_PREFIX.sub("", line, count=1)).strip(" :")


def _title_from(body: str, path: Path) -> str:
    for line in body.split("\n"):
        plain = _plain_line(line)
        if any(ch.isalnum() for ch in plain):
            return plain
    return path.stem


def _check_docx_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise _fail(path, "không phải tệp Word (.docx) hợp lệ; hãy mở bằng Word và lưu lại dưới dạng .docx.")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _fail(path, "bị hỏng, không mở được; hãy mở bằng Word và lưu lại dưới dạng .docx.") from None
    if len(members) > MAX_MEMBERS:
        raise _fail(path, "chứa quá nhiều thành phần bên trong để là một văn bản; hãy lưu lại nội dung thành tệp .docx mới.")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise _fail(path, "bị nén bất thường (nghi là tệp độc hại «bom zip»); hãy dùng bản gốc của văn bản.")
    if total > MAX_UNPACKED_BYTES:
        raise _fail(path, f"khi giải nén lớn hơn {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; hãy bỏ bớt hình ảnh và lưu lại.")
    if not any(info.filename == "word/document.xml" for info in members):
        raise _fail(path, "không phải tệp Word (.docx) hợp lệ; hãy mở bằng Word và lưu lại dưới dạng .docx.")


def _docx_blocks(container) -> Iterable[str]:
    """Yield paragraph texts in document order, descending into table cells once each."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            # Merged cells repeat; holding the elements keeps their identity stable.
            seen: list = []
            for row in block.rows:
                for cell in row.cells:
                    if any(cell._tc is other for other in seen):
                        continue
                    seen.append(cell._tc)
                    yield from _docx_blocks(cell)
        else:
            yield block.text


def _read_docx(path: Path) -> str:
    _check_docx_zip(path)
    try:
        import docx

        document = docx.Document(str(path))
        return "\n".join(_docx_blocks(document))
    except ScriptError:
        raise
    except Exception:
        raise _fail(path, "không đọc được nội dung Word; hãy mở bằng Word và lưu lại dưới dạng .docx.") from None


def import_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportedScript:
    """Import one .txt, .md or .docx file; raise ImportFailed with a Vietnamese reason."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _fail(path, "có định dạng không hỗ trợ; hãy dùng tệp .txt, .md hoặc .docx.")
    try:
        size = path.stat().st_size
    except OSError:
        raise _fail(path, "không tồn tại hoặc không đọc được; hãy kiểm tra lại đường dẫn.") from None
    if not path.is_file():
        raise _fail(path, "không phải là tệp; hãy chọn một tệp .txt, .md hoặc .docx.")
    if size > max_bytes:
        raise _fail(
            path,
            f"quá lớn ({size / 1024 / 1024:.1f} MB, giới hạn {max_bytes / 1024 / 1024:.1f} MB); hãy chia nhỏ nội dung thành nhiều tệp.",
        )
    if suffix == DOCX_SUFFIX:
        text, encoding = clean_text(_read_docx(path)), "docx"
    else:
        try:
            decoded = decode_bytes(path.read_bytes())
        except ScriptError as exc:
            raise _fail(path, f"không đọc được: {exc}") from None
        text, encoding = decoded.text, decoded.encoding
    if not text.strip():
        raise _fail(path, "không có nội dung; hãy nhập nội dung bài rồi lưu lại.")
    try:
        doc = parse_script(text)
    except ScriptError as exc:
        raise _fail(path, f"có phần đầu sai: {exc}") from None
    has_header = text.lstrip("\n").startswith("---")
    body = doc.body
    if not body.strip():
        raise _fail(path, "chỉ có phần đầu mà không có nội dung bài; hãy thêm nội dung sau dòng «---».")
    title = doc.title if has_header and doc.title else _title_from(body, path)
    return ImportedScript(
        title=title, body=body, source_path=path, encoding=encoding, header=doc if has_header else None
    )


def _is_hidden(path: Path) -> bool:
    return path.name.startswith((".", "~$"))


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*")
            if p.is_file() and not any(_is_hidden(part) for part in p.relative_to(path).parents if part.name)
            and not _is_hidden(p)
        )
    return [path]


def import_paths(paths: Iterable[Path | str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> ImportReport:
    """Import files and folders (recursively, sorted, hidden files skipped), collecting failures."""
    report = ImportReport()
    for given in paths:
        for path in _expand(Path(given)):
            try:
                report.imported.append(import_file(path, max_bytes=max_bytes))
            except ScriptError as exc:
                report.failed.append((path, str(exc)))
    return report
