"""Fuzz the legacy-encoding detector and the .docx/.txt importers: they read or refuse, never crash."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from scripts_vi.encodings import decode_bytes
from scripts_vi.errors import ScriptError
from scripts_vi.importers import import_file

DOCX_NAMES = ["[Content_Types].xml", "word/document.xml", "_rels/.rels", "word/_rels/document.xml.rels", "docProps/core.xml", "../evil.xml"]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_stats = {"bytes": 0, "docx": 0}


@FUZZ
@given(st.binary(max_size=4096))
def test_decode_bytes_reads_or_refuses(data: bytes):
    _stats["bytes"] += 1
    try:
        decoded = decode_bytes(data)
    except ScriptError as exc:
        assert str(exc)
        return
    assert "\x00" not in decoded.text


@st.composite
def zips(draw) -> bytes:
    """Zip archives that look more or less like a Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in draw(st.lists(st.sampled_from(DOCX_NAMES), min_size=0, max_size=5, unique=True)):
            body = draw(st.one_of(
                st.binary(max_size=512),
                st.text(max_size=300).map(lambda t: f'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:body></w:document>'.encode("utf-8", "surrogatepass")),
            ))
            zf.writestr(name, body)
    data = buffer.getvalue()
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    return data if draw(st.booleans()) else data[:cut]  # whole, or truncated mid-archive


@FUZZ
@given(zips())
def test_docx_importer_reads_or_refuses(data: bytes):
    _stats["docx"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bai.docx"
        path.write_bytes(data)
        try:
            imported = import_file(path)
        except ScriptError as exc:
            assert path.name in str(exc) or str(exc)
            return
        assert imported.body.strip()


def test_fuzz_figures(record):
    record("fuzz_decode_bytes_examples", _stats["bytes"], "random byte strings given to the legacy-encoding detector (hypothesis): decoded or refused with ScriptError, never a crash")
    record("fuzz_docx_examples", _stats["docx"], "random and truncated zip archives shaped like .docx given to the importer (hypothesis): imported or refused, never a crash")
    # Hypothesis ran every example asked for (it runs fewer only when it exhausts a search space these never do).
    assert _stats["bytes"] >= FUZZ.max_examples and _stats["docx"] >= FUZZ.max_examples, _stats


_WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢẠẤẦỆỬ0123456789,.:", min_size=1, max_size=9)


@st.composite
def pages(draw):
    """One page of lines in random blocks, widths and indents, away from the page edges (no furniture)."""
    from scripts_vi.pdf_reflow import Line, Page, Word

    lines = []
    for i in range(draw(st.integers(1, 25))):
        x = draw(st.floats(40, 140))
        words = []
        for text in draw(st.lists(_WORD, min_size=1, max_size=10)):
            width = draw(st.floats(3, 60))
            words.append(Word(text, x, x + width))
            x += width + draw(st.floats(0.5, 8))
        lines.append(Line(tuple(words), 150 + 14 * i, 162 + 14 * i, draw(st.integers(1, 4))))
    return [Page(800.0, tuple(lines))]


@FUZZ
@given(pages())
def test_pdf_reflow_keeps_every_word_in_order(page_list):
    from scripts_vi.pdf_reflow import reflow_pages

    out = reflow_pages(page_list)
    # Joining lines may only add a space or a line break between words, never drop, add or reorder one.
    assert out.split() == [w.text for page in page_list for line in page.lines for w in line.words]
