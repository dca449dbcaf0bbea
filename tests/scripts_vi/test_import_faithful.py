"""Faithfulness: random Vietnamese text through every encoding and container comes back as the same NFC text.

The importer may change the encoding and whitespace, nothing else: no case, no punctuation. Text files and
.docx with legacy-font runs go through hypothesis; .doc and .pdf (LibreOffice is slow) through a few fixed
texts from the same generator, converted in one shared batch per format.
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from scripts_vi import office
from scripts_vi.encodings import encode_cp1258, encode_tcvn3, encode_vni
from scripts_vi.importers import import_file, import_paths
from tests.scripts_vi.legacy_docs import add_runs, tcvn3_runs, vni_runs

# Real syllables in the project's tone placement, with every one of the 67 lowercase Vietnamese letters.
WORDS = (
    "ba cá bà bả ngã hạ ăn bắt nằm hẳn sẵn mặt ân ấm tầng hẩm lẫn cận em bé mè kẻ vẽ mẹ đêm tế về thể dễ bệnh "
    "in chí dì chỉ nghĩ vị to có hò nhỏ võ học ông số hồ tổ mỗi một mơ mới giờ trở mỡ lợi thu cúng mù củ cũng cụ "
    "thư cứ người sử những sự ý kỳ kỷ mỹ kỵ rừng đi đã xã thôn nhân dân thông báo kế hoạch tuyên truyền phòng "
    "chống dịch tiêm chủng trẻ gia đình hòa khỏe thủy ủy ban đài thanh loa nước sạch lúa gạo bão lũ hộ nghèo quỹ "
    "yêu cầu khẩn cấp"
).split()
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_words_cover_every_letter():
    from tests.scripts_vi.test_encodings import LOWER

    assert {ch for word in WORDS for ch in word if ord(ch) > 0x7F} == set(LOWER)  # all 67 lowercase letters


def compose(pick, count) -> str:
    """A text of sentences: capital after . ? and at line starts, lowercase after , and :, some all-capital lines."""
    lines = []
    for _ in range(count(1, 4)):
        shout = pick((False, False, False, True))
        sentences = []
        for _ in range(count(1, 3)):
            words = [pick(WORDS) if pick((True,) * 5 + (False,)) else str(count(0, 9999)) for _ in range(count(3, 14))]
            for i in range(1, len(words) - 1):
                words[i] += pick(("",) * 6 + (",", ":"))
            first = words[0]
            words[0] = first[0].upper() + first[1:]
            sentences.append(" ".join(words).rstrip(",:") + pick((".", ".", "?", "!")))
        line = " ".join(sentences)
        lines.append(line.upper() if shout else line)
    return unicodedata.normalize("NFC", "\n".join(lines))


@st.composite
def texts(draw) -> str:
    return compose(lambda seq: draw(st.sampled_from(seq)), lambda a, b: draw(st.integers(a, b)))


def seeded(seed: int) -> str:
    rng = random.Random(seed)
    return compose(rng.choice, lambda a, b: rng.randint((a + b) // 2, b))  # the longer half: lines that wrap


ENCODERS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-16": lambda t: t.encode("utf-16"),
    "cp1258": encode_cp1258,
    "vni": encode_vni,
    "tcvn3": encode_tcvn3,
}


@FAST
@given(texts(), st.sampled_from(sorted(ENCODERS)))
def test_txt_round_trip(tmp_path_factory, text, encoding):
    path = tmp_path_factory.mktemp("txt") / "bai.txt"
    path.write_bytes(ENCODERS[encoding](text))
    assert import_file(path).body == text


def legacy_docx(text: str, path: Path) -> Path:
    """Each line a paragraph, alternating TCVN3 (.VnTime/.VnTimeH) and VNI-Times runs, as old offices typed."""
    document = docx.Document()
    for i, line in enumerate(text.split("\n")):
        add_runs(document.add_paragraph(), tcvn3_runs(line) if i % 2 == 0 else vni_runs(line))
    document.save(str(path))
    return path


def unicode_docx(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


@FAST
@given(texts())
def test_docx_with_legacy_runs_round_trip(tmp_path_factory, text):
    path = legacy_docx(text, tmp_path_factory.mktemp("docx") / "bai.docx")
    assert import_file(path).body == text


SEEDS = (1, 2, 3)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, list[Path]]:
    """The fixed texts as .doc (from legacy-font .docx) and .pdf (from Unicode .docx): one LibreOffice run per format."""
    folder = tmp_path_factory.mktemp("lo")
    legacy = [legacy_docx(seeded(s), folder / f"legacy-{s}.docx") for s in SEEDS]
    plain = [unicode_docx(seeded(s), folder / f"plain-{s}.docx") for s in SEEDS]
    return {"doc": office.convert(legacy, "doc", folder / "doc"), "pdf": office.convert(plain, "pdf", folder / "pdf")}


@pytest.mark.parametrize("kind", ["doc", "pdf"])
def test_doc_and_pdf_round_trip(converted, kind):
    # A folder at once, as an operator imports one: its .doc files go through one LibreOffice process.
    report = import_paths([converted[kind][0].parent])
    assert report.failed == []
    for index, script in enumerate(report.imported):
        text = seeded(SEEDS[index])
        assert len(text) > 200
        assert (script.format, script.body) == (kind, text)
    assert len(report.imported) == len(SEEDS)
