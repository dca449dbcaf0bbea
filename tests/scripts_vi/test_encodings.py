"""decode_bytes: UTF-8/16, cp1258, TCVN3 and VNI detection, round trips and failures."""

import os
import random
import shutil
import subprocess
import unicodedata

import pytest

from scripts_vi.encodings import _capitals_mid_sentence, decode_bytes, encode_cp1258, encode_tcvn3, encode_vni, score
from scripts_vi.errors import ScriptError, UnknownEncoding
from scripts_vi.legacy_tables import TCVN3_HIGH, VNI_ENCODE

LOWER = "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ"
UPPER = LOWER.upper()
# A radio text, every precomposed letter in lowercase words and (all-caps) uppercase words.
COVERAGE = (
    "Kính thưa bà con nhân dân xã Cẩm Tân. Tháng hành động vì bình đẳng giới năm nay có chủ đề "
    "đảm bảo an sinh xã hội, tăng quyền năng và tạo cơ hội cho phụ nữ và trẻ em gái.\n"
    "KẾ HOẠCH TRIỂN KHAI THÁNG HÀNH ĐỘNG VÌ BÌNH ĐẲNG GIỚI\n"
    + " ".join(f"t{ch}n" for ch in LOWER)
    + "\n"
    + " ".join(f"T{ch}N" for ch in UPPER)
    + "\nỦy ban nhân dân xã hòa thuận, khỏe mạnh, thủy lợi, quý giá."
)


def test_coverage_text_has_all_134_letters():
    assert set(LOWER + UPPER) <= set(COVERAGE)
    assert len(set(LOWER + UPPER)) == 134


@pytest.mark.parametrize(
    ("encoder", "name"), [(encode_tcvn3, "tcvn3"), (encode_vni, "vni"), (encode_cp1258, "cp1258")]
)
def test_legacy_round_trip(encoder, name):
    data = encoder(COVERAGE)
    assert data.decode("latin-1") != COVERAGE
    decoded = decode_bytes(data)
    assert decoded.encoding == name
    assert decoded.text == COVERAGE


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"Vi\xd6t Nam", "Việt Nam", "tcvn3"),
        (b"C\xb8c \xae\xe5ng ch\xdd", "Các đồng chí", "tcvn3"),
        (b"K\xd5 HO\xb9CH", "KẾ HOẠCH", "tcvn3"),
        (b"Ba ba ng\xb7.", "Ba ba ngã.", "tcvn3"),  # one legacy byte: a syllable beats Windows-1252's neutral '·' (found by hypothesis)
        # One legacy byte that reads as a syllable both ways: VNI's "cá" has its tone where Vietnamese writes it, cp1258's
        # "caù" on the wrong vowel (found by hypothesis in a fresh clone's make test).
        (b"Ba ba ba ca\xf9.", "Ba ba ba cá.", "vni"),
        # One byte that reads as a well-placed syllable both ways: TCVN3's "ấm", or cp1258's capital "Êm" in the middle
        # of a sentence (found by hypothesis's random search).
        (b"Ba ba \xcam.", "Ba ba ấm.", "tcvn3"),
        # Two bytes: cp1258's "số" (o-circumflex, then a combining acute) has its tone placed right; VNI reads "sơì".
        (b"Ba ba s\xf4\xec.", "Ba ba số.", "cp1258"),
        # A tie: TCVN3's "có" and "số" are VNI's "cã" and cp1258's "sè", all well-placed syllables; TCVN3, the commune
        # offices' standard, wins.
        (b"Ba ba c\xe3.", "Ba ba có.", "tcvn3"),
        (b"Ba ba s\xe8.", "Ba ba số.", "tcvn3"),
        ("Xin chaøo caùc baïn".encode("cp1252"), "Xin chào các bạn", "vni"),
        ("Vieät Nam".encode("cp1252"), "Việt Nam", "vni"),
        ("Ñaûng boä xaõ".encode("cp1252"), "Đảng bộ xã", "vni"),
        (b"Vi\xea\xf2t Nam", "Việt Nam", "cp1258"),
        ("Việt Nam".encode("utf-8"), "Việt Nam", "utf-8"),
        (b"\xef\xbb\xbfVi\xe1\xbb\x87t Nam", "Việt Nam", "utf-8-sig"),
        ("Việt Nam".encode("utf-16"), "Việt Nam", "utf-16"),
        (b"Viet Nam", "Viet Nam", "utf-8"),
    ],
)
def test_known_byte_sequences(data, text, encoding):
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Ba ba Êm.", 1),
        ("Ba ba ấm.", 0),
        ("ngày Đ, xã Ấp", 2),
        ("ba, Ê", 1),  # a comma does not end the sentence
        ("Đi. Ấm", 0),  # a full stop does
        ("ba\nÊ", 0),  # so does a new line
        ("ĐẢNG BỘ XÃ", 0),  # capitals after capitals: a heading
        ("ba A", 0),  # ASCII capitals are no legacy byte
    ],
)
def test_capitals_mid_sentence(text, count):
    assert _capitals_mid_sentence(text) == count


def test_tcvn3_table_matches_glibc_where_available():
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    for i, ch in enumerate(TCVN3_HIGH):
        byte = bytes([0xA0 + i])
        run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=byte, capture_output=True)
        if run.returncode != 0:
            pytest.skip("iconv has no TCVN5712-1")
        assert run.stdout.decode("utf-8") == ch, hex(0xA0 + i)


def test_vni_table_has_every_letter():
    assert set(VNI_ENCODE) == set(LOWER + UPPER)
    assert len(set(VNI_ENCODE.values())) == 134


def test_nfd_utf8_is_returned_nfc_with_unified_tones():
    data = unicodedata.normalize("NFD", "Hoà bình ủy ban").encode("utf-8")
    assert decode_bytes(data).text == "Hòa bình ủy ban"


def test_zero_width_and_controls_are_cleaned():
    data = "Kính\u200b thưa\u200e bà con\x07".encode("utf-8")
    assert decode_bytes(data).text == "Kính thưa bà con"


def test_utf16_without_bom():
    assert decode_bytes("Kính thưa bà con nhân dân".encode("utf-16-le")).text == "Kính thưa bà con nhân dân"


@pytest.mark.parametrize(
    "data",
    [
        random.Random(1).randbytes(4000),
        b"\x00\x01\x02\x03" * 100,
        b"\x89PNG\r\n\x1a\n" + os.urandom(500),
        "Ça va très bien, merci beaucoup à vous tous".encode("latin-1"),
    ],
)
def test_unrecognisable_bytes_raise(data):
    with pytest.raises(UnknownEncoding) as info:
        decode_bytes(data)
    assert isinstance(info.value, ScriptError)
    message = str(info.value)
    assert message.endswith(".") and message.count(". ") == 0


def test_score_prefers_real_syllables():
    assert score("Việt Nam") == 1.0
    assert score("ViÖt Nam") < 0.5
