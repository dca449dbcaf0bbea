"""Import scripts from .txt, .md, .docx, .doc and .pdf files and folders, one failure never stopping the rest."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from scripts_vi import office, poppler
from scripts_vi.clean import clean_text
from scripts_vi.docx_text import docx_text
from scripts_vi.encodings import LEGACY_NAMES, decode_bytes, looks_vietnamese_script, redecode_legacy
from scripts_vi.errors import ImportFailed, ScriptError
from scripts_vi.pdf_reflow import reflow
from scripts_vi.scriptfile import ScriptDoc, parse_script
from scripts_vi.tools import DEFAULT_TOOLS, ImportTools

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# Word and PDF files carry pictures and fonts: they may be larger than the text they hold.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PDF_PAGES = 300
# A .docx is a zip; these bound what opening it may unpack (zip bomb protection).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 2000
TEXT_SUFFIXES = (".txt", ".md")
DOCX_SUFFIX = ".docx"
DOC_SUFFIX = ".doc"
PDF_SUFFIX = ".pdf"
SUFFIXES = TEXT_SUFFIXES + (DOCX_SUFFIX, DOC_SUFFIX, PDF_SUFFIX)
FORMAT_NAMES = {"txt": "văn bản .txt", "md": "văn bản .md", "docx": "Word .docx", "doc": "Word 97–2003 .doc", "pdf": "PDF"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNSUPPORTED = "có định dạng không hỗ trợ; hãy dùng tệp .txt, .md, .docx, .doc hoặc .pdf."

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
    format: str = "txt"
    converted: tuple[str, ...] = ()

    def describe(self) -> str:
        """What the file was and what was converted, in one Vietnamese phrase for the import report."""
        kind = FORMAT_NAMES.get(self.format, self.format)
        if self.converted:
            return f"{kind}, đã chuyển sang Unicode từ {'; '.join(self.converted)}"
        if self.format in ("txt", "md"):
            return f"{kind}, bảng mã {self.encoding.upper()}"
        return f"{kind}, Unicode"


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


def _check_docx_zip(path: Path, shown: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise _fail(shown, "không phải tệp Word (.docx) hợp lệ; hãy mở bằng Word và lưu lại dưới dạng .docx.")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _fail(shown, "bị hỏng, không mở được; hãy mở bằng Word và lưu lại dưới dạng .docx.") from None
    if len(members) > MAX_MEMBERS:
        raise _fail(shown, "chứa quá nhiều thành phần bên trong để là một văn bản; hãy lưu lại nội dung thành tệp .docx mới.")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            raise _fail(shown, "bị nén bất thường (nghi là tệp độc hại «bom zip»); hãy dùng bản gốc của văn bản.")
    if total > MAX_UNPACKED_BYTES:
        raise _fail(shown, f"khi giải nén lớn hơn {MAX_UNPACKED_BYTES // (1024 * 1024)} MB; hãy bỏ bớt hình ảnh và lưu lại.")
    if not any(info.filename == "word/document.xml" for info in members):
        raise _fail(shown, "không phải tệp Word (.docx) hợp lệ; hãy mở bằng Word và lưu lại dưới dạng .docx.")


@dataclass(frozen=True)
class _Extracted:
    text: str
    encoding: str
    format: str
    converted: tuple[str, ...] = ()


def _conversions(counts) -> tuple[tuple[str, ...], str]:
    """Vietnamese phrases for what was converted, and the encoding field ("unicode" when nothing was)."""
    fonts: dict[str, list[str]] = {}
    for (encoding, font), _ in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        fonts.setdefault(encoding, [])
        if font and font not in fonts[encoding]:
            fonts[encoding].append(font)
    phrases = tuple(
        f"{LEGACY_NAMES[enc]} ({'phông ' + ', '.join(names) if names else 'nhận ra theo nội dung'})"
        for enc, names in fonts.items()
    )
    return phrases, "+".join(fonts) or "unicode"


def _read_docx(path: Path, fmt: str = "docx", shown: Path | None = None) -> _Extracted:
    shown = shown or path
    _check_docx_zip(path, shown)
    try:
        with zipfile.ZipFile(path) as archive:
            found = docx_text(archive)
    except ScriptError:
        raise
    except Exception:
        raise _fail(shown, "không đọc được nội dung Word; hãy mở bằng Word và lưu lại dưới dạng .docx.") from None
    converted, encoding = _conversions(found.converted)
    return _Extracted(clean_text(found.text), encoding, fmt, converted)


def _doc_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE2:
        return "word97"
    if head.startswith(b"PK"):
        return "docx"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return "other"


def _read_doc(path: Path, converted_docx: Path | None, tools: ImportTools) -> _Extracted:
    kind = _doc_kind(path)
    if kind == "docx":
        return _read_docx(path, "docx")  # a .docx that only lost its x
    if kind == "other":
        raise _fail(path, "không phải tệp Word 97–2003 thật (có thể là trang web hay văn bản đổi đuôi thành .doc); hãy mở bằng Word và lưu lại dưới dạng .docx.")
    if converted_docx is not None:
        if not converted_docx.is_file():
            raise _fail(path, "không đọc được bằng LibreOffice (có thể bị hỏng hoặc có mật khẩu); hãy mở bằng Word và lưu lại dưới dạng .docx.")
        return _read_docx(converted_docx, "doc", shown=path)
    with tempfile.TemporaryDirectory(prefix="loaxa-doc-") as tmp:
        try:
            docx_path = office.doc_to_docx(path, Path(tmp), tools)
        except ScriptError as exc:
            raise _fail(path, f"không nhập được: {exc}") from None
        return _read_docx(docx_path, "doc", shown=path)


def _read_pdf(path: Path, tools: ImportTools) -> _Extracted:
    with path.open("rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise _fail(path, "không phải tệp PDF thật; hãy lấy lại bản gốc của văn bản.")
    try:
        info = poppler.pdf_info(path, tools)
        if info.needs_password:
            raise _fail(path, "được khóa bằng mật khẩu nên không đọc được chữ; hãy xin bản không đặt mật khẩu hoặc tệp Word gốc.")
        if info.pages > MAX_PDF_PAGES:
            raise _fail(path, f"có {info.pages} trang, quá giới hạn {MAX_PDF_PAGES} trang; hãy tách riêng phần cần phát thành tệp nhỏ hơn.")
        layout = poppler.pdf_words(path, tools)
    except ImportFailed:
        raise
    except ScriptError as exc:
        raise _fail(path, f"không nhập được: {exc}") from None
    text = reflow(layout)
    if not any(ch.isalpha() for ch in text):
        raise _fail(path, "chỉ có hình ảnh (bản quét), không có lớp chữ để đọc; hãy dùng tệp Word gốc hoặc gõ lại nội dung.")
    lines, found = [], set()
    for line in text.split("\n"):
        again = redecode_legacy(line)
        if again is not None:
            found.add(again.encoding)
            line = again.text
        lines.append(line)
    converted = tuple(f"{LEGACY_NAMES[enc]} (nhận ra theo nội dung)" for enc in sorted(found))
    return _Extracted(clean_text("\n".join(lines)), "+".join(sorted(found)) or "unicode", "pdf", converted)


def _read_text(path: Path) -> _Extracted:
    try:
        decoded = decode_bytes(path.read_bytes())
    except ScriptError as exc:
        raise _fail(path, f"không đọc được: {exc}") from None
    converted = (LEGACY_NAMES[decoded.encoding],) if decoded.encoding in LEGACY_NAMES else ()
    return _Extracted(decoded.text, decoded.encoding, path.suffix.lower().lstrip("."), converted)


def _check_size(path: Path, suffix: str, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise _fail(path, "không tồn tại hoặc không đọc được; hãy kiểm tra lại đường dẫn.") from None
    if not path.is_file():
        raise _fail(path, "không phải là tệp; hãy chọn một tệp .txt, .md, .docx, .doc hoặc .pdf.")
    limit = max_bytes if suffix in TEXT_SUFFIXES else max(max_bytes, MAX_DOCUMENT_BYTES)
    if size > limit:
        raise _fail(
            path,
            f"quá lớn ({size / 1024 / 1024:.1f} MB, giới hạn {limit / 1024 / 1024:.1f} MB); hãy chia nhỏ nội dung thành nhiều tệp.",
        )


def extract(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, converted_docx: Path | None = None,
            tools: ImportTools = DEFAULT_TOOLS) -> _Extracted:
    """The clean text of one supported file, with its format and what was converted."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _fail(path, _UNSUPPORTED)
    _check_size(path, suffix, max_bytes)
    if suffix in TEXT_SUFFIXES:
        return _read_text(path)
    if suffix == DOCX_SUFFIX:
        found = _read_docx(path)
    elif suffix == DOC_SUFFIX:
        found = _read_doc(path, converted_docx, tools)
    else:
        found = _read_pdf(path, tools)
    if not looks_vietnamese_script(found.text):
        raise _fail(path, "không chứa chữ tiếng Việt đọc được (có thể bị hỏng hoặc không phải văn bản); hãy mở bằng Word và lưu lại dưới dạng .docx.")
    return found


def import_file(
    path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, converted_docx: Path | None = None, tools: ImportTools = DEFAULT_TOOLS
) -> ImportedScript:
    """Import one .txt, .md, .docx, .doc or .pdf file; raise ImportFailed with a Vietnamese reason."""
    path = Path(path)
    found = extract(path, max_bytes=max_bytes, converted_docx=converted_docx, tools=tools)
    text = found.text
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
        title=title, body=body, source_path=path, encoding=found.encoding,
        header=doc if has_header else None, format=found.format, converted=found.converted,
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


def _convert_docs(paths: list[Path], workdir: Path, tools: ImportTools) -> dict[Path, Path]:
    """Convert every real Word 97–2003 file of a batch with one LibreOffice process (it starts slowly)."""
    docs = []
    for path in paths:
        try:
            if path.suffix.lower() == DOC_SUFFIX and path.is_file() and _doc_kind(path) in ("word97", "rtf"):
                docs.append(path)
        except OSError:
            continue
    if len(docs) < 2:
        return {}  # one file converts on its own, where its errors are reported
    copies = []
    for i, path in enumerate(docs):
        copy = workdir / f"{i:05d}.doc"
        shutil.copyfile(path, copy)
        copies.append(copy)
    try:
        outputs = office.convert(copies, "docx", workdir, tools)
    except ScriptError:
        return {}  # each file then tries alone and reports its own sentence
    return dict(zip(docs, outputs))


def import_paths(paths: Iterable[Path | str], *, max_bytes: int = DEFAULT_MAX_BYTES, tools: ImportTools = DEFAULT_TOOLS) -> ImportReport:
    """Import files and folders (recursively, sorted, hidden files skipped), collecting failures."""
    report = ImportReport()
    files = [path for given in paths for path in _expand(Path(given))]
    with tempfile.TemporaryDirectory(prefix="loaxa-import-") as tmp:
        converted = _convert_docs(files, Path(tmp), tools)
        for path in files:
            try:
                report.imported.append(import_file(path, max_bytes=max_bytes, converted_docx=converted.get(path), tools=tools))
            except ScriptError as exc:
                report.failed.append((path, str(exc)))
    return report
