"""Import speed: a 50-page PDF plan, and a folder of 100 mixed files, each beside a plain baseline.

The text is the commune's plan (shared/seed); the files are made before timing (LibreOffice prints the PDFs
and the .doc files from .docx). Baselines: poppler's plain `pdftotext -layout` of the same PDF, and a plain
UTF-8 read of 100 .txt files of the same texts.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import docx  # noqa: E402

from normalize_bench import DEFAULT_SEED_DIR, _seed_text  # noqa: E402
from scripts_vi import office  # noqa: E402
from scripts_vi.encodings import encode_tcvn3, encode_vni  # noqa: E402
from scripts_vi.importers import import_file, import_paths  # noqa: E402
from scripts_vi.poppler import pdf_info  # noqa: E402
from scripts_vi.tools import DEFAULT_TOOLS  # noqa: E402

# Shares of the mixed folder, as a commune office's folder might hold them.
MIX = (("txt-utf8", 0.25), ("txt-tcvn3", 0.15), ("txt-vni", 0.10), ("docx", 0.15), ("docx-legacy", 0.15), ("pdf", 0.10), ("doc", 0.10))


def _paragraphs(seed_dir: Path | None) -> list[str]:
    text = _seed_text(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR)
    return [line.strip().lstrip("#").strip() for line in text.split("\n") if line.strip() and not line.startswith("---")]


def _docx(paragraphs: list[str], path: Path, legacy: bool = False) -> Path:
    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        if legacy:
            # TCVN3 has no toned capitals: such a run is typed in lowercase codes with .VnTimeH, as offices did.
            from tests.scripts_vi.legacy_docs import add_runs, tcvn3_runs

            add_runs(paragraph, tcvn3_runs(text))
        else:
            paragraph.add_run(text)
    document.save(str(path))
    return path


def pdf_50_pages(workdir: Path, paragraphs: list[str], pages: int = 50) -> dict:
    """Time importing a PDF of `pages` pages against plain pdftotext on it."""
    body = list(paragraphs)
    source = workdir / "ke-hoach.docx"
    while True:
        _docx(body, source)
        (pdf,) = office.convert([source], "pdf", workdir)
        have = pdf_info(pdf).pages
        if have >= pages:
            break
        body = body * max(2, -(-pages // max(have, 1)))  # repeat the plan until it fills the pages
    if have > pages:  # trim to the page count asked for
        body = body[: int(len(body) * pages / have)]
        _docx(body, source)
        (pdf,) = office.convert([source], "pdf", workdir)
        have = pdf_info(pdf).pages
    start = time.perf_counter()
    script = import_file(pdf)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([DEFAULT_TOOLS.pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True)
    plain = time.perf_counter() - start
    assert script.body.startswith(body[0]), "the PDF came back without its text"
    return {"import_pdf_pages": have, "import_pdf_50p_s": ours, "pdftotext_50p_s": plain}


def mixed_folder(workdir: Path, paragraphs: list[str], files: int = 100) -> dict:
    """Time importing a folder of `files` mixed files against a plain read of as many .txt files."""
    folder = workdir / "thu-muc"
    folder.mkdir()
    texts = ["\n".join(paragraphs[i % len(paragraphs): i % len(paragraphs) + 6]) for i in range(files)]
    counts = [max(1, round(share * files)) for _, share in MIX]
    counts[0] += files - sum(counts)
    to_pdf, to_doc, index = [], [], 0
    for (kind, _), count in zip(MIX, counts):
        for _ in range(count):
            text, name = texts[index], f"{index:03d}-{kind}"
            index += 1
            if kind == "txt-utf8":
                (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            elif kind == "txt-tcvn3":
                (folder / f"{name}.txt").write_bytes(encode_tcvn3(text))
            elif kind == "txt-vni":
                (folder / f"{name}.txt").write_bytes(encode_vni(text))
            elif kind == "docx":
                _docx(text.split("\n"), folder / f"{name}.docx")
            elif kind == "docx-legacy":
                _docx(text.split("\n"), folder / f"{name}.docx", legacy=True)
            else:
                source = _docx(text.split("\n"), workdir / f"{name}.docx", legacy=(kind == "doc"))
                (to_pdf if kind == "pdf" else to_doc).append(source)
    office.convert(to_pdf, "pdf", folder)
    office.convert(to_doc, "doc", folder)
    plain = workdir / "txt"
    plain.mkdir()
    for i, text in enumerate(texts):
        (plain / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    report = import_paths([folder])
    ours = time.perf_counter() - start
    assert not report.failed and len(report.imported) == files, report.failed
    # The same folder without its .doc files: what the LibreOffice start costs the rest.
    no_doc = [p for p in sorted(folder.iterdir()) if p.suffix != ".doc"]
    start = time.perf_counter()
    assert len(import_paths(no_doc).imported) == len(no_doc)
    no_doc_rate = len(no_doc) / (time.perf_counter() - start)
    start = time.perf_counter()
    read = [p.read_text(encoding="utf-8") for p in sorted(plain.iterdir())]
    baseline = time.perf_counter() - start
    assert len(read) == files
    return {"import_files_per_s": files / ours, "read_txt_files_per_s": files / baseline, "import_folder_files": files,
            "import_files_per_s_without_doc": no_doc_rate}


def measure(pages: int = 50, files: int = 100, seed_dir: Path | str | None = None) -> dict:
    """Both import figures with their baselines."""
    paragraphs = _paragraphs(seed_dir)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        figures = pdf_50_pages(Path(tmp), paragraphs, pages)
        figures.update(mixed_folder(Path(tmp), paragraphs, files))
    return figures


def run(quick: bool) -> dict:
    """The runner's group: full size even when quick (a minute, mostly LibreOffice making the files)."""
    return measure()


if __name__ == "__main__":
    print(measure())
