"""Vietnamese text read aloud: cases from real commune notices and bulletins, each with the
reading a native speaker would say (northern broadcast usage: linh, nghìn, mốt, lăm, tư)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.reading import DEFAULT_ABBREVIATIONS, Reader, number_words, read_aloud, syllable_count
from audio.reading.numbers import fraction_words, roman_value
from audio.reading.words import is_syllable

NUMBERS = [
    (0, "không"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (1000, "một nghìn"),
    (1005, "một nghìn không trăm linh năm"),
    (1015, "một nghìn không trăm mười lăm"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (10_000, "mười nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (2_000_500, "hai triệu năm trăm"),
    (1_000_001, "một triệu không trăm linh một"),
    (1_200_000_000, "một tỷ hai trăm triệu"),
    (3_000_000_000_000, "ba nghìn tỷ"),
]


@pytest.mark.parametrize(("n", "words"), NUMBERS)
def test_number_words(n, words):
    assert number_words(n) == words


# (written, read aloud): snippets of commune notices, bulletins and warnings.
CASES = [
    # numbers and money
    ("Toàn xã có 105 hộ nghèo.", "Toàn xã có một trăm linh năm hộ nghèo."),
    ("Thôn Đồng Tâm có 21 hộ cận nghèo.", "Thôn Đồng Tâm có hai mươi mốt hộ cận nghèo."),
    ("Có 15 em học sinh được nhận học bổng.", "Có mười lăm em học sinh được nhận học bổng."),
    ("Đã tiêm được 24 liều vắc xin.", "Đã tiêm được hai mươi tư liều vắc xin."),
    ("Tổng số 1.015 người tham gia.", "Tổng số một nghìn không trăm mười lăm người tham gia."),
    ("Kinh phí 2.000.000 đồng mỗi hộ.", "Kinh phí hai triệu đồng mỗi hộ."),
    ("Hỗ trợ 1,5 triệu đồng cho mỗi hộ", "Hỗ trợ một phẩy năm triệu đồng cho mỗi hộ."),
    ("Tổng kinh phí 1,2 tỷ đồng.", "Tổng kinh phí một phẩy hai tỷ đồng."),
    ("Thu nhập bình quân đạt 58,5 triệu đồng/người/năm.",
     "Thu nhập bình quân đạt năm mươi tám phẩy năm triệu đồng một người một năm."),
    ("Xã có 7.054 nhân khẩu", "Xã có bảy nghìn không trăm năm mươi tư nhân khẩu."),
    ("Dân số 12.345 người", "Dân số mười hai nghìn ba trăm bốn mươi lăm người."),
    ("Có 110 hộ đăng ký", "Có một trăm mười hộ đăng ký."),
    ("Mức đóng 450.000 đồng", "Mức đóng bốn trăm năm mươi nghìn đồng."),
    ("Hơn 3.500 lượt người", "Hơn ba nghìn năm trăm lượt người."),
    ("Phí 100.000 VNĐ", "Phí một trăm nghìn đồng."),
    ("Giá lúa 7.500đ/kg, tăng 300 đồng so với tuần trước",
     "Giá lúa bảy nghìn năm trăm đồng một ki-lô-gam, tăng ba trăm đồng so với tuần trước."),
    ("Hỗ trợ 50% kinh phí, tối đa 10 triệu đồng/hộ",
     "Hỗ trợ năm mươi phần trăm kinh phí, tối đa mười triệu đồng một hộ."),
    ("Đạt 100% kế hoạch", "Đạt một trăm phần trăm kế hoạch."),
    ("Tỷ lệ hộ nghèo giảm còn 3,25%.", "Tỷ lệ hộ nghèo giảm còn ba phẩy hai mươi lăm phần trăm."),
    ("Tăng 0,5% so với cùng kỳ", "Tăng không phẩy năm phần trăm so với cùng kỳ."),
    ("Giá 25 USD", "Giá hai mươi lăm đô la Mỹ."),
    ("3/50 hộ chưa nộp", "ba trên năm mươi hộ chưa nộp."),
    ("Bão số 3 đổ bộ", "Bão số ba đổ bộ."),
    # dates
    ("Ngày 03/12/2026", "Ngày ba tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    ("Tổ chức vào ngày 3/12", "Tổ chức vào ngày ba tháng mười hai."),
    ("Hạn nộp: 15/01/2027",
     "Hạn nộp: ngày mười lăm tháng một năm hai nghìn không trăm hai mươi bảy."),
    ("từ ngày 01-05/12/2026",
     "từ ngày một đến ngày năm tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    ("từ 03/12 - 05/12/2026", "từ ngày ba tháng mười hai đến ngày năm tháng mười hai năm "
     "hai nghìn không trăm hai mươi sáu."),
    ("Kế hoạch tháng 4/2026", "Kế hoạch tháng tư năm hai nghìn không trăm hai mươi sáu."),
    ("Trong tháng 4", "Trong tháng tư."),
    ("Thứ 2, ngày 7/12", "Thứ hai, ngày bảy tháng mười hai."),
    ("vào sáng Chủ nhật 6/12", "vào sáng Chủ nhật ngày sáu tháng mười hai."),
    ("ngày 24/4", "ngày hai mươi tư tháng tư."),
    ("ngày 1.12.2026", "ngày một tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    ("Báo cáo quý IV năm 2026", "Báo cáo quý bốn năm hai nghìn không trăm hai mươi sáu."),
    ("Giai đoạn 2021-2025", "Giai đoạn hai nghìn không trăm hai mươi mốt đến "
     "hai nghìn không trăm hai mươi lăm."),
    ("Nghị quyết Đại hội XIII của Đảng", "Nghị quyết Đại hội mười ba của Đảng."),
    ("Hội nghị lần thứ 3", "Hội nghị lần thứ ba."),
    ("Giải nhất thuộc về đội thứ 1", "Giải nhất thuộc về đội thứ nhất."),
    ("Họp vào thứ 4 hằng tuần", "Họp vào thứ tư hằng tuần."),
    # times
    ("Khai mạc lúc 7h30", "Khai mạc lúc bảy giờ ba mươi phút."),
    ("Bắt đầu từ 07:30", "Bắt đầu từ bảy giờ ba mươi phút."),
    ("Vào 19 giờ", "Vào mười chín giờ."),
    ("Làm việc từ 7h30 - 11h00", "Làm việc từ bảy giờ ba mươi phút đến mười một giờ."),
    ("Lúc 14h ngày 5/12", "Lúc mười bốn giờ ngày năm tháng mười hai."),
    ("Có mặt 5g30 sáng", "Có mặt năm giờ ba mươi phút sáng."),
    ("từ 13h30' đến 17h", "từ mười ba giờ ba mươi phút đến mười bảy giờ."),
    ("Xuất phát 7h05", "Xuất phát bảy giờ năm phút."),
    ("Phát sóng 19:00 hằng ngày", "Phát sóng mười chín giờ hằng ngày."),
    # units and weather
    ("Diện tích 25 ha", "Diện tích hai mươi lăm héc-ta."),
    ("Lượng mưa 150 mm", "Lượng mưa một trăm năm mươi mi-li-mét."),
    ("Nhiệt độ 35°C", "Nhiệt độ ba mươi lăm độ xê."),
    ("Dùng 3 m³ nước", "Dùng ba mét khối nước."),
    ("Cách trung tâm 14 km", "Cách trung tâm mười bốn ki-lô-mét."),
    ("Vùng núi có nơi dưới -5°C", "Vùng núi có nơi dưới âm năm độ xê."),
    ("Gió mạnh 60 km/h", "Gió mạnh sáu mươi ki-lô-mét một giờ."),
    ("Tuyến đường dài 2,5 km", "Tuyến đường dài hai phẩy năm ki-lô-mét."),
    ("Xây mới 500 m2 nhà văn hóa", "Xây mới năm trăm mét vuông nhà văn hóa."),
    ("Thu hoạch 200 kg", "Thu hoạch hai trăm ki-lô-gam."),
    ("Bão số 3 (Yagi) gây mưa 200-300 mm, gió giật cấp 12.",
     "Bão số ba, Yagi, gây mưa hai trăm đến ba trăm mi-li-mét, gió giật cấp mười hai."),
    ("Mực nước sông Cầu lúc 19h ngày 9/9 là 26,5 m, trên báo động III 0,5 m.",
     "Mực nước sông Cầu lúc mười chín giờ ngày chín tháng chín là hai mươi sáu phẩy năm mét, "
     "trên báo động ba không phẩy năm mét."),
    ("Độ ẩm 85%", "Độ ẩm tám mươi lăm phần trăm."),
    # phone numbers
    ("Gọi 0912 345 678", "Gọi không chín một hai, ba bốn năm, sáu bảy tám."),
    ("Điện thoại: 0208.3855.123",
     "Điện thoại: không hai không tám, ba tám năm năm, một hai ba."),
    ("Khi có cháy gọi 114", "Khi có cháy gọi một một bốn."),
    ("Đường dây nóng 1900 1234", "Đường dây nóng một chín không không, một hai ba bốn."),
    ("SĐT 0987654321", "số điện thoại không chín tám bảy sáu năm bốn ba hai một."),
    ("+84 912 345 678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám."),
    # abbreviations and document symbols
    ("UBND xã Tân Kim thông báo", "Ủy ban nhân dân xã Tân Kim thông báo."),
    ("HĐND, UBND, UBMTTQ xã", "Hội đồng nhân dân, Ủy ban nhân dân, Ủy ban Mặt trận Tổ quốc xã."),
    ("Xây dựng NTM nâng cao", "Xây dựng nông thôn mới nâng cao."),
    ("Sản phẩm OCOP 3 sao", "Sản phẩm Ô-cốp ba sao."),
    ("BCĐ phòng chống dịch", "Ban Chỉ đạo phòng chống dịch."),
    ("TP. Thái Nguyên", "thành phố Thái Nguyên."),
    ("TX. Phổ Yên", "thị xã Phổ Yên."),
    ("TT. Hùng Sơn", "thị trấn Hùng Sơn."),
    ("Tổ 5, KP 3", "Tổ năm, khu phố ba."),
    ("Cấp thẻ BHYT", "Cấp thẻ bảo hiểm y tế."),
    ("Công tác PCTT&TKCN", "Công tác phòng chống thiên tai và tìm kiếm cứu nạn."),
    ("Sửa đường trên QL3", "Sửa đường trên quốc lộ ba."),
    ("Phòng chống dịch COVID-19", "Phòng chống dịch Cô-vít mười chín."),
    ("Bệnh dịch tả lợn châu Phi (ASF)", "Bệnh dịch tả lợn châu Phi, a ét ép."),
    ("Phòng chống HIV/AIDS", "Phòng chống hát i vê ết."),
    ("Trường THCS Tân Kim", "Trường trung học cơ sở Tân Kim."),
    ("Công ty CP Xây dựng", "Công ty cổ phần Xây dựng."),
    ("Theo Nghị định số 15/2020/NĐ-CP",
     "Theo Nghị định số mười lăm năm hai nghìn không trăm hai mươi của Chính phủ."),
    ("Thông báo số 15/TB-UBND ngày 02/12/2026", "Thông báo số mười lăm của Ủy ban nhân dân "
     "ngày hai tháng mười hai năm hai nghìn không trăm hai mươi sáu."),
    ("Kế hoạch 120/KH-BCĐ", "Kế hoạch một trăm hai mươi của Ban Chỉ đạo."),
    ("Thông tư 39/2020/TT-BTTTT", "Thông tư ba mươi chín năm hai nghìn không trăm hai mươi "
     "của Bộ Thông tin và Truyền thông."),
    ("Mang theo CCCD", "Mang theo căn cước công dân."),
    ("Sở VHTTDL tỉnh", "Sở Văn hóa, Thể thao và Du lịch tỉnh."),
    # markup, links, symbols, layout
    ("<p>Thông báo <b>khẩn</b></p>", "Thông báo khẩn."),
    ("Chi tiết xem tại https://thainguyen.gov.vn/tin-tuc", "Chi tiết xem tại."),
    ("Góp ý gửi về ubnd@tankim.gov.vn trước thứ 6", "Góp ý gửi về trước thứ sáu."),
    ("**Lưu ý**: mang theo sổ hộ khẩu", "Lưu ý: mang theo sổ hộ khẩu."),
    ("🌀 Bão số 3 ⚠️", "Bão số ba."),
    ("- Thời gian: 7h30\n- Địa điểm: Nhà văn hóa thôn",
     "Thời gian: bảy giờ ba mươi phút.\nĐịa điểm: Nhà văn hóa thôn."),
    ("THÔNG BÁO KHẨN", "THÔNG BÁO KHẨN."),
    ("Xem [hướng dẫn](https://a.vn/x) kèm theo", "Xem hướng dẫn kèm theo."),
    ("&quot;Ngày hội&quot; &amp; lễ mừng công", "Ngày hội và lễ mừng công."),
    ("<script>alert(1)</script>Tin vắn", "Tin vắn."),
    # whole notices
    ("UBND xã thông báo: Từ 7h00 ngày 05/12/2026, tạm dừng cấp nước để sửa chữa đường ống "
     "trên QL3, đoạn qua thôn Đồng Tâm. Mọi thắc mắc liên hệ 0208 3855 123.",
     "Ủy ban nhân dân xã thông báo: Từ bảy giờ ngày năm tháng mười hai năm hai nghìn không "
     "trăm hai mươi sáu, tạm dừng cấp nước để sửa chữa đường ống trên quốc lộ ba, đoạn qua "
     "thôn Đồng Tâm. Mọi thắc mắc liên hệ không hai không tám, ba tám năm năm, một hai ba."),
    ("Tiêm vắc xin cho trẻ từ 5-11 tuổi tại TYT xã",
     "Tiêm vắc xin cho trẻ từ năm đến mười một tuổi tại Trạm Y tế xã."),
    ("Hội nghị tổng kết năm 2026 diễn ra vào 8h ngày 28/12 tại Hội trường UBND xã.",
     "Hội nghị tổng kết năm hai nghìn không trăm hai mươi sáu diễn ra vào tám giờ ngày hai "
     "mươi tám tháng mười hai tại Hội trường Ủy ban nhân dân xã."),
]  # fmt: skip


@pytest.mark.parametrize(("written", "spoken"), CASES, ids=[c[0][:40] for c in CASES])
def test_reading(written, spoken):
    assert read_aloud(written) == spoken


def test_at_least_eighty_notice_cases():
    assert len(CASES) >= 80


def test_operator_table_extends_and_overrides():
    reader = Reader({"HTXNN": "hợp tác xã nông nghiệp", "NTM": "nông thôn mới kiểu mẫu"})
    assert reader.read("HTXNN Tân Kim") == "hợp tác xã nông nghiệp Tân Kim."
    assert reader.read("Xã NTM") == "Xã nông thôn mới kiểu mẫu."
    assert reader.read("UBND xã") == "Ủy ban nhân dân xã."  # defaults stay


def test_unknown_acronym_is_spelled_but_capital_words_are_read():
    assert read_aloud("Kênh VTV1") == "Kênh vê tê vê một."
    assert read_aloud("TIN NÔNG NGHIỆP") == "TIN NÔNG NGHIỆP."
    assert is_syllable("NGHIÊNG") and not is_syllable("MTTQ")


def test_fractions_and_romans():
    assert fraction_words("05") == "không năm"
    assert fraction_words("125") == "một trăm hai mươi lăm"
    assert roman_value("XIV") == 14 and roman_value("IIII") is None and roman_value("ABC") is None


def test_reading_is_nfc_and_counts_syllables():
    decomposed = unicodedata.normalize("NFD", "Thông báo 21 hộ")
    reading = read_aloud(decomposed)
    assert reading == unicodedata.normalize("NFC", reading) == "Thông báo hai mươi mốt hộ."
    assert syllable_count(reading) == 6
    assert syllable_count("mười bốn ki-lô-mét") == 5


def test_default_table_keys_are_clean():
    for key, value in DEFAULT_ABBREVIATIONS.items():
        assert key == key.strip() and " " not in key and value.strip() == value != ""


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_every_number_reads_in_words(n):
    words = number_words(n).split()
    assert words and all(w.isalpha() for w in words)
    assert "mươi một" not in number_words(n) and "mười năm" not in number_words(n)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_reads_without_error_or_digits(text):
    reading = read_aloud(text)
    assert not any(ch.isdigit() for ch in reading if ch.isascii())
    assert "<" not in reading and "http" not in reading.lower()
