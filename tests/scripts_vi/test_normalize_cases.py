"""Table-driven checks of the spoken form of radio-style sentences."""

import pytest

from scripts_vi.normalize import normalize

CASES = [
    ('1.500.000 đồng', 'một triệu năm trăm nghìn đồng'),
    ('Hỗ trợ 1.500.000 đồng mỗi hộ.', 'Hỗ trợ một triệu năm trăm nghìn đồng mỗi hộ.'),
    ('2,5', 'hai phẩy năm'),
    ('105 người', 'một trăm linh năm người'),
    ('năm 2024', 'năm hai nghìn không trăm hai mươi tư'),
    ('2024', 'hai nghìn không trăm hai mươi tư'),
    ('21 tuổi', 'hai mươi mốt tuổi'),
    ('15 người', 'mười lăm người'),
    ('25 hộ', 'hai mươi lăm hộ'),
    ('1000000000 đồng', 'một tỷ đồng'),
    ('08 thôn', 'tám thôn'),
    ('Có 01 thôn', 'Có một thôn'),
    ('0 đồng', 'không đồng'),
    ('10 năm', 'mười năm'),
    ('111 người', 'một trăm mười một người'),
    ('ngày 15 tháng 11 năm 2024', 'ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư'),
    ('15/11/2024', 'ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư'),
    ('Ngày 15/11/2024', 'Ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư'),
    ('từ ngày 15/11/2024 đến ngày 15/12/2024', 'từ ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư đến ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi tư'),
    ('15/11', 'ngày mười lăm tháng mười một'),
    ('từ 15/11 - 15/12', 'từ ngày mười lăm tháng mười một đến ngày mười lăm tháng mười hai'),
    ('15/11/2024 - 15/12/2024', 'ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư đến ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi tư'),
    ('ngày 25/11', 'ngày hai mươi lăm tháng mười một'),
    ('giai đoạn 2021-2025', 'giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm'),
    ('giai đoạn 2021 - 2025', 'giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm'),
    ('tháng 4', 'tháng tư'),
    ('tháng 1', 'tháng một'),
    ('tháng 12', 'tháng mười hai'),
    ('tháng 4/2024', 'tháng tư năm hai nghìn không trăm hai mươi tư'),
    ('mùng 5 tháng 6', 'mùng năm tháng sáu'),
    ('ngày 2 tháng 9', 'ngày mùng hai tháng chín'),
    ('ngày 05/01/2025', 'ngày mùng năm tháng một năm hai nghìn không trăm hai mươi lăm'),
    ('ngày 1/6', 'ngày mùng một tháng sáu'),
    ('vào 7 giờ 15 phút', 'vào bảy giờ mười lăm phút'),
    ('lúc 19:30', 'lúc mười chín giờ ba mươi phút'),
    ('5h30', 'năm giờ ba mươi phút'),
    ('17h00', 'mười bảy giờ'),
    ('5h', 'năm giờ'),
    ('từ 5h30 đến 6h', 'từ năm giờ ba mươi phút đến sáu giờ'),
    ('7h05', 'bảy giờ năm phút'),
    ("lúc 14h30'", 'lúc mười bốn giờ ba mươi phút'),
    ('khoảng 30-40 người', 'khoảng ba mươi đến bốn mươi người'),
    ('nhiệt độ -5°C', 'nhiệt độ âm năm độ xê'),
    ('diện tích 2,5 ha', 'diện tích hai phẩy năm héc-ta'),
    ('dài 3 km', 'dài ba ki-lô-mét'),
    ('nặng 50 kg', 'nặng năm mươi ki-lô-gam'),
    ('500 m2', 'năm trăm mét vuông'),
    ('3x4 m', 'ba nhân bốn mét'),
    ('3 x 4', 'ba nhân bốn'),
    ('50%', 'năm mươi phần trăm'),
    ('giảm 10%', 'giảm mười phần trăm'),
    ('tăng 2,5%', 'tăng hai phẩy năm phần trăm'),
    ('tăng 0,5%', 'tăng không phẩy năm phần trăm'),
    ('500.000 đồng', 'năm trăm nghìn đồng'),
    ('500.000đ', 'năm trăm nghìn đồng'),
    ('1.200.000đ', 'một triệu hai trăm nghìn đồng'),
    ('500.000 VNĐ', 'năm trăm nghìn đồng'),
    ('1,5 triệu đồng', 'một phẩy năm triệu đồng'),
    ('1,5tr', 'một phẩy năm triệu'),
    ('200k', 'hai trăm nghìn'),
    ('100 USD', 'một trăm đô la Mỹ'),
    ('1,000,000', 'một triệu'),
    ('thứ 2', 'thứ hai'),
    ('lần thứ 3', 'lần thứ ba'),
    ('thứ 4', 'thứ tư'),
    ('thứ 1', 'thứ nhất'),
    ('Thứ 7', 'Thứ bảy'),
    ('giải 1', 'giải nhất'),
    ('lớp 9', 'lớp chín'),
    ('khối 12', 'khối mười hai'),
    ('lớp 12A1', 'lớp mười hai a một'),
    ('Điều 5', 'Điều năm'),
    ('khoản 2 Điều 3', 'khoản hai Điều ba'),
    ('quý IV', 'quý bốn'),
    ('thế kỷ XXI', 'thế kỷ hai mươi mốt'),
    ('Đại hội XIII', 'Đại hội mười ba'),
    ('kỳ họp thứ VII', 'kỳ họp thứ bảy'),
    ('Phụ lục II', 'Phụ lục hai'),
    ('I. MỤC ĐÍCH, YÊU CẦU', 'Một. Mục đích, yêu cầu'),
    ('II. NỘI DUNG', 'Hai. Nội dung'),
    ('IV. Tổ chức', 'Bốn. Tổ chức'),
    ('V. TỔ CHỨC THỰC HIỆN', 'Năm. Tổ chức thực hiện'),
    ('1. Mục đích', 'Một. Mục đích'),
    ('10. Đài truyền thanh xã', 'Mười. Đài truyền thanh xã'),
    ('2.1. Mục tiêu', 'Hai chấm một. Mục tiêu'),
    ('a) Nội dung', 'A. Nội dung'),
    ('mục 2.3', 'mục hai chấm ba'),
    ('2.5', 'hai chấm năm'),
    ('Tổng đài 111', 'Tổng đài một một một'),
    ('gọi 113', 'gọi một một ba'),
    ('gọi 115 cấp cứu', 'gọi một một năm cấp cứu'),
    ('đường dây nóng 111 (miễn phí)', 'đường dây nóng một một một (miễn phí)'),
    ('Gọi ngay Tổng đài quốc gia bảo vệ trẻ em 111.', 'Gọi ngay Tổng đài quốc gia bảo vệ trẻ em một một một.'),
    ('Số điện thoại 0912 345 678', 'Số điện thoại không chín một hai, ba bốn năm, sáu bảy tám'),
    ('liên hệ 0912.345.678', 'liên hệ không chín một hai, ba bốn năm, sáu bảy tám'),
    ('SĐT: 0912345678', 'Số điện thoại: không chín một hai, ba bốn năm, sáu bảy tám'),
    ('Hotline: 1800 1567', 'Hotline: một tám không không, một năm sáu bảy'),
    ('Hotline 1900 1234', 'Hotline một chín không không, một hai ba bốn'),
    ('Điện thoại: 0237 3 123 456', 'Điện thoại: không hai ba bảy, ba, một hai ba, bốn năm sáu'),
    ('gọi +84 912 345 678', 'gọi cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám'),
    ('Quyết định số 135/QĐ-TTg', 'Quyết định số một trăm ba mươi lăm của thủ tướng chính phủ'),
    ('135/QĐ-TTg', 'một trăm ba mươi lăm quyết định của thủ tướng chính phủ'),
    ('Nghị định 30/2020/NĐ-CP', 'Nghị định ba mươi năm hai nghìn không trăm hai mươi của chính phủ'),
    ('Thông tư 39/2020/TT-BTTTT', 'Thông tư ba mươi chín năm hai nghìn không trăm hai mươi của bộ thông tin và truyền thông'),
    ('Công văn số 12/UBND-VP', 'Công văn số mười hai ủy ban nhân dân văn phòng'),
    ('Kế hoạch 3175/UBND-LĐTBXH', 'Kế hoạch ba nghìn một trăm bảy mươi lăm ủy ban nhân dân lao động thương binh và xã hội'),
    ('Chỉ thị 05/CT-TTg', 'Chỉ thị năm của thủ tướng chính phủ'),
    ('Số: /KH-UBND', 'Số: kế hoạch của ủy ban nhân dân'),
    ('UBND xã', 'Ủy ban nhân dân xã'),
    ('HĐND & UBND', 'Hội đồng nhân dân và ủy ban nhân dân'),
    ('LĐ-TB&XH', 'Lao động thương binh và xã hội'),
    ('Phòng LĐ-TBXH', 'Phòng lao động thương binh và xã hội'),
    ('Phòng Lao động – TB&XH theo quy định.', 'Phòng Lao động, thương binh và xã hội theo quy định.'),
    ('Bộ TT&TT', 'Bộ thông tin và truyền thông'),
    ('BHYT, BHXH', 'Bảo hiểm y tế, bảo hiểm xã hội'),
    ('THCS và THPT', 'Trung học cơ sở và trung học phổ thông'),
    ('Tp. Thanh Hóa', 'Thành phố Thanh Hóa'),
    ('TP Hồ Chí Minh', 'Thành phố Hồ Chí Minh'),
    ('KT. CHỦ TỊCH', 'Ký thay chủ tịch'),
    ('KT.CHỦ TỊCH', 'Ký thay chủ tịch'),
    ('Hội LHPN xã', 'Hội liên hiệp phụ nữ xã'),
    ('UBMTTQ xã', 'Ủy ban mặt trận tổ quốc xã'),
    ('Đề nghị Ủy ban MTTQ xã:', 'Đề nghị Ủy ban mặt trận tổ quốc xã:'),
    ('v/v tổ chức', 'về việc tổ chức'),
    ('Đảng ủy, HĐND; (b/c)', 'Đảng ủy, hội đồng nhân dân; (báo cáo)'),
    ('Chủ tịch, PCT. UBND;', 'Chủ tịch, phó chủ tịch ủy ban nhân dân;'),
    ('Lưu: VT, CSXH.', 'Lưu: văn thư, chính sách xã hội.'),
    ('zalo v.v ...', 'da-lô vân vân...'),
    ('thể thao v.v...', 'thể thao vân vân...'),
    ('HIV/AIDS', 'Hát i vê ết'),
    ('COVID-19', 'Cô-vít mười chín'),
    ('H5N1', 'Hát năm en-nờ một'),
    ('ABC', 'A bê xê'),
    ('WHO', 'Vê kép hát o'),
    ('NHIỆT LIỆT CHÀO MỪNG', 'Nhiệt liệt chào mừng'),
    ('CA xã', 'Công an xã'),
    ('1/2 số hộ', 'một phần hai số hộ'),
    ('24/24h', 'hai mươi tư trên hai mươi tư giờ'),
    ('Km 12', 'Ki-lô-mét mười hai'),
    ('năm 1945', 'năm một nghìn chín trăm bốn mươi lăm'),
    ('A & B', 'A và B'),
    ('báo cáo UBND huyện./.', 'báo cáo ủy ban nhân dân huyện.'),
    ('- 08 thôn;', 'tám thôn;'),
    ('Bộ Lao động - Thương binh và Xã hội', 'Bộ Lao động, Thương binh và Xã hội'),
    ('Kính thưa bà con nhân dân!', 'Kính thưa bà con nhân dân!'),
    ('Thực hiện Kế hoạch số 3175/UBND - LĐTBXH ngày 23 tháng 10 năm 2024 của UBND huyện Cẩm Thủy.', 'Thực hiện Kế hoạch số ba nghìn một trăm bảy mươi lăm ủy ban nhân dân lao động thương binh và xã hội ngày hai mươi ba tháng mười năm hai nghìn không trăm hai mươi tư của ủy ban nhân dân huyện Cẩm Thủy.'),
    ('Thời gian thực hiện: từ ngày 15/11/2024 đến ngày 15/12/2024.', 'Thời gian thực hiện: từ ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư đến ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi tư.'),
    ('báo cáo kết quả thực hiện về UBND xã (qua Công chức Chính sách xã hội) vào ngày 16/12/2022 để tổng hợp, báo cáo UBND huyện./.', 'báo cáo kết quả thực hiện về ủy ban nhân dân xã (qua Công chức Chính sách xã hội) vào ngày mười sáu tháng mười hai năm hai nghìn không trăm hai mươi hai để tổng hợp, báo cáo ủy ban nhân dân huyện.'),
    ('Đề án kiểm soát mất cân bằng giới tính khi sinh hằng năm và giai đoạn 2021-2025 trên địa bàn xã.', 'Đề án kiểm soát mất cân bằng giới tính khi sinh hằng năm và giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm trên địa bàn xã.'),
    ('Tham mưu, lựa chọn 01 thôn để tổ chức Lễ phát động.', 'Tham mưu, lựa chọn một thôn để tổ chức Lễ phát động.'),
    ('#### **4. Văn phòng HĐND & UBND**', 'Bốn. Văn phòng hội đồng nhân dân và ủy ban nhân dân'),
    ('##### **2. Thời gian thực hiện:** từ ngày 15/11/2024 đến ngày 15/12/2024.', 'Hai. Thời gian thực hiện: từ ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư đến ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi tư.'),
    ('Cẩm Tân, ngày tháng 11 năm 2024', 'Cẩm Tân, ngày tháng mười một năm hai nghìn không trăm hai mươi tư'),
    ('Ngày 25/11 là Ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ.', 'Ngày hai mươi lăm tháng mười một là Ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ.'),
    ('Buổi phát thanh lúc 5h30 và 17h00 hằng ngày.', 'Buổi phát thanh lúc năm giờ ba mươi phút và mười bảy giờ hằng ngày.'),
    ("Giá lợn hơi 62.000 - 65.000 đồng/kg.", "Giá lợn hơi sáu mươi hai nghìn đến sáu mươi lăm nghìn đồng trên ki-lô-gam."),
    ("tốc độ 40 km/h", "tốc độ bốn mươi ki-lô-mét trên giờ"),
    ("tỷ lệ 1:500", "tỷ lệ một trên năm trăm"),
    ("Mức hỗ trợ 50.000đ/người/ngày, tối đa 10 ngày.", "Mức hỗ trợ năm mươi nghìn đồng trên người trên ngày, tối đa mười ngày."),
    ("Khi có cháy, gọi ngay 114; cấp cứu gọi 115; công an gọi 113.", "Khi có cháy, gọi ngay một một bốn; cấp cứu gọi một một năm; công an gọi một một ba."),
    ("Căn cứ Luật Bình đẳng giới số 73/2006/QH11.", "Căn cứ Luật Bình đẳng giới số bảy mươi ba năm hai nghìn không trăm linh sáu quốc hội mười một."),
    ("Hội nghị lần thứ 10 BCH Đảng bộ xã khóa XXV.", "Hội nghị lần thứ mười ban chấp hành Đảng bộ xã khóa hai mươi lăm."),
    ("Từ 0h ngày 01/01/2025", "Từ không giờ ngày mùng một tháng một năm hai nghìn không trăm hai mươi lăm"),
    ("sáng thứ 3 (ngày 10/12) từ 7h30 - 11h00.", "sáng thứ ba (ngày mùng mười tháng mười hai) từ bảy giờ ba mươi phút đến mười một giờ."),
    ("Tuyến đường dài 2,5km, rộng 5m, kinh phí 1,2 tỷ đồng.", "Tuyến đường dài hai phẩy năm ki-lô-mét, rộng năm mét, kinh phí một phẩy hai tỷ đồng."),
]


@pytest.mark.parametrize(("text", "spoken"), CASES, ids=[c[0][:40] for c in CASES])
def test_spoken_form(text, spoken):
    assert normalize(text).spoken == spoken


def test_unknown_abbreviation_is_spelled_and_warned():
    result = normalize("Chương trình XYZ của UBND")
    assert result.spoken == "Chương trình ích-xì i dài dét của ủy ban nhân dân"
    assert result.warnings == ["Viết tắt chưa có trong từ điển: XYZ"]


def test_warning_listed_once():
    assert normalize("XYZ và XYZ\nXYZ").warnings == ["Viết tắt chưa có trong từ điển: XYZ"]


def test_station_lexicon_adds_and_overrides():
    lexicon = {"HTX": "hợp tác xã nông nghiệp", "XYZ": "chương trình ích", "cẩm tân": "cẩm tân quê hương"}
    result = normalize("HTX xã Cẩm Tân, XYZ.", lexicon=lexicon)
    assert result.spoken == "Hợp tác xã nông nghiệp xã cẩm tân quê hương, chương trình ích."
    assert result.warnings == []


def test_lexicon_matches_whole_words_only():
    result = normalize("THCSX", lexicon=None)
    assert "trung học" not in result.spoken


def test_capital_key_is_case_sensitive():
    assert normalize("ca hát").spoken == "ca hát"
    assert normalize("CA xã").spoken == "Công an xã"


def test_heading_syllable_not_taken_as_abbreviation():
    assert normalize("TIẾNG CA QUÊ HƯƠNG").spoken == "Tiếng ca quê hương"


def test_lines_are_preserved():
    text = "Dòng 1\n\n## Dòng 2\r\nDòng 3\n"
    spoken = normalize(text).spoken
    assert spoken.split("\n") == ["Dòng một", "", "Dòng hai", "Dòng ba", ""]


def test_nfd_input_gives_nfc_output():
    import unicodedata

    text = unicodedata.normalize("NFD", "Hoà bình, thuỷ lợi ngày 15/11")
    spoken = normalize(text).spoken
    assert spoken == "Hòa bình, thủy lợi ngày mười lăm tháng mười một"
    assert unicodedata.is_normalized("NFC", spoken)


def test_non_ascii_digits_are_read():
    assert normalize("năm ٢٠٢٤ và ３ thôn").spoken == "năm hai nghìn không trăm hai mươi tư và ba thôn"
