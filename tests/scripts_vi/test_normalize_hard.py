"""Harder notice text, one table per class; every expected form was written by hand, as a reader says it."""

import pytest

from scripts_vi.normalize import normalize

UNITS_GLUED = [
    ("Thanh niên cao từ 1m60 trở lên.", "Thanh niên cao từ một mét sáu mươi trở lên."),
    ("cao 1m70", "cao một mét bảy mươi"),
    ("nước dâng 2,5m", "nước dâng hai phẩy năm mét"),
    ("lượng mưa 30-40mm", "lượng mưa ba mươi đến bốn mươi mi-li-mét"),
    ("giá 15.000đ/kg", "giá mười lăm nghìn đồng trên ki-lô-gam"),
    ("gieo cấy 5ha lúa", "gieo cấy năm héc-ta lúa"),
    ("cách bờ 10km", "cách bờ mười ki-lô-mét"),
    ("rộng 500m2", "rộng năm trăm mét vuông"),
]

ROUND_THE_CLOCK = [
    ("Trạm y tế trực 24/24.", "Trạm y tế trực hai mươi tư trên hai mươi tư."),
    ("trực 24/24 giờ", "trực hai mươi tư trên hai mươi tư giờ"),
    ("tổng đài hoạt động 24/7", "tổng đài hoạt động hai mươi tư trên bảy"),
    ("ngày 24/7", "ngày hai mươi tư tháng bảy"),
]

NAMED_AFTER_DATES = [
    ("phố 19/5", "phố mười chín tháng năm"),
    ("đường 30/4", "đường ba mươi tháng tư"),
    ("đường 3/2", "đường ba tháng hai"),
    ("Trường 2/9", "Trường hai tháng chín"),
    ("2/3 số hộ", "hai phần ba số hộ"),
    ("ngày 19/5/2024", "ngày mười chín tháng năm năm hai nghìn không trăm hai mươi tư"),
    ("kỷ niệm 19/5", "kỷ niệm ngày mười chín tháng năm"),
]

TIME_OF_DAY = [
    ("sáng 15/11", "sáng mười lăm tháng mười một"),
    ("tối 20/11", "tối hai mươi tháng mười một"),
    ("chiều 3/2", "chiều mùng ba tháng hai"),
    ("sáng 15/11/2024", "sáng mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư"),
    ("sáng ngày 15/11", "sáng ngày mười lăm tháng mười một"),
    ("từ 15/11", "từ ngày mười lăm tháng mười một"),
]

DOCUMENT_NUMBERS = [
    ("số 45/KH-UBND", "số bốn mươi lăm kế hoạch của ủy ban nhân dân"),
    ("Kế hoạch số 45/KH-UBND", "Kế hoạch số bốn mươi lăm của ủy ban nhân dân"),
    ("Nghị quyết 12-NQ/TU", "Nghị quyết mười hai của tỉnh ủy"),
    ("Chỉ thị số 05-CT/TW", "Chỉ thị số năm của trung ương"),
    ("Thông tư 39/2020/TT-BTTTT", "Thông tư ba mươi chín năm hai nghìn không trăm hai mươi của bộ thông tin và truyền thông"),
    ("theo 39/2020/TT-BTTTT", "theo ba mươi chín năm hai nghìn không trăm hai mươi thông tư của bộ thông tin và truyền thông"),
    ("Quyết định số 135/QĐ-TTg", "Quyết định số một trăm ba mươi lăm của thủ tướng chính phủ"),
    ("Công văn số 12/UBND-VP", "Công văn số mười hai ủy ban nhân dân văn phòng"),
]

ACRONYMS_SPELLED = [
    ("phòng bệnh SXH", "phòng bệnh ét-xì ích-xì hát"),
    ("tiêm vắc-xin DPT", "tiêm vắc-xin dê pê tê"),
    ("mạng 4G", "mạng bốn giê"),
    ("khuyến cáo của WHO", "khuyến cáo của vê kép hát o"),
]


@pytest.mark.parametrize(
    "text, spoken", UNITS_GLUED + ROUND_THE_CLOCK + NAMED_AFTER_DATES + TIME_OF_DAY + DOCUMENT_NUMBERS + ACRONYMS_SPELLED
)
def test_hard_notice_text(text, spoken):
    assert normalize(text).spoken == spoken


def test_spelled_acronym_is_reported_to_the_editor():
    assert normalize("phòng bệnh SXH").warnings == ["Viết tắt chưa có trong từ điển: SXH"]


@pytest.mark.parametrize("text, lexicon, spoken", [
    ("Chào chị Hân.", {"hân": "[[h'a2:n]]"}, "Chào chị [[h'a2:n]]."),
    ("Hân, 2 lần", {"hân": "[[h'a2:n]]"}, "[[h'a2:n]], hai lần"),
    ("đọc [[v'i@2n]] nhé", None, "đọc [[v'i@2n]] nhé"),
])
def test_espeak_phoneme_spans_pass_untouched(text, lexicon, spoken):
    assert normalize(text, lexicon).spoken == spoken
