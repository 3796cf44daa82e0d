# ruff: noqa: E501
"""Demo library text: a standing stock, and what the media centres produce every week.

Titles and descriptions are Vietnamese (the catalogue language, whatever language the audio is
in). `{xa}` in a weekly story is replaced by a commune of the demo province ("xã Tân Cương").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spec:
    """One programme to create: text, classification, length and validity."""

    title: str
    topics: tuple[str, ...]
    ptype: str
    language: str
    minutes: int
    description: str
    weeks_valid: int | None = None  # valid_to = this many weeks after valid_from (None = open)


def _s(title, topics, ptype, lang, minutes, description, weeks_valid=None) -> Spec:  # type: ignore[no-untyped-def]
    return Spec(title, tuple(topics), ptype, lang, minutes, description, weeks_valid)


# The stock the library already held before the demo's first week (no valid_from).
STOCK: list[Spec] = [
    _s("Hỏi đáp về Bộ tiêu chí xã nông thôn mới kiểu mẫu", ("ntm",), "pho_bien_kien_thuc", "vi", 10, "Giải đáp những câu hỏi thường gặp về các tiêu chí xã nông thôn mới kiểu mẫu giai đoạn 2021–2025."),
    _s("Tọa đàm: Tiêu chí môi trường trong xã nông thôn mới", ("ntm", "moi_truong"), "toa_dam", "vi", 20, "Cán bộ ngành tài nguyên – môi trường và đại diện người dân trao đổi về cách giữ vững tiêu chí môi trường sau khi xã đạt chuẩn."),
    _s("Chè Thái Nguyên – sản phẩm OCOP 4 sao", ("ocop",), "phong_su", "vi", 10, "Hành trình đưa búp chè của các hợp tác xã trở thành sản phẩm OCOP 4 sao, có mặt tại siêu thị và sàn thương mại điện tử."),
    _s("Chuyên đề Mỗi xã một sản phẩm", ("ocop",), "chuyen_de", "vi", 15, "Chuyên đề về quy trình đánh giá, phân hạng sản phẩm OCOP và kinh nghiệm của các chủ thể đã có sản phẩm đạt sao."),
    _s("Thông tin thiết yếu cho hộ nghèo", ("giam_ngheo_thong_tin",), "pho_bien_kien_thuc", "vi", 10, "Những chính sách, địa chỉ hỗ trợ và số điện thoại đường dây nóng mà hộ nghèo, hộ cận nghèo cần biết."),
    _s("Chính sách hỗ trợ hộ cận nghèo năm 2026", ("giam_ngheo_thong_tin",), "bai", "vi", 13, "Tổng hợp các chính sách hỗ trợ bảo hiểm y tế, học phí, vay vốn dành cho hộ cận nghèo áp dụng từ năm 2026."),
    _s("Phát triển du lịch cộng đồng ở hồ Núi Cốc", ("du_lich",), "phong_su", "vi", 10, "Người dân ven hồ Núi Cốc làm homestay, đưa du khách trải nghiệm hái chè, chèo thuyền, thưởng thức ẩm thực địa phương."),
    _s("Du lịch nông nghiệp trải nghiệm vùng chè", ("du_lich", "ocop"), "bai", "vi", 7, "Mô hình du lịch gắn với sản xuất chè giúp tăng giá trị sản phẩm và tạo việc làm cho lao động nông thôn."),
    _s("Chuyển đổi số: thanh toán không dùng tiền mặt ở nông thôn", ("chuyen_doi_so",), "pho_bien_kien_thuc", "vi", 8, "Hướng dẫn mở tài khoản, thanh toán bằng mã QR khi mua bán nông sản, nộp học phí và tiền điện."),
    _s("Cài đặt và sử dụng ứng dụng VNeID", ("chuyen_doi_so", "an_ninh_trat_tu"), "pho_bien_kien_thuc", "vi", 6, "Các bước kích hoạt tài khoản định danh điện tử mức độ 2 và những tiện ích khi làm thủ tục hành chính."),
    _s("Phân loại rác thải tại nguồn", ("moi_truong",), "pho_bien_kien_thuc", "vi", 5, "Cách phân loại rác hữu cơ, rác tái chế và rác còn lại tại hộ gia đình; ủ rác hữu cơ làm phân bón."),
    _s("Phòng chống lừa đảo qua mạng", ("an_ninh_trat_tu", "chuyen_doi_so"), "pho_bien_kien_thuc", "vi", 7, "Nhận diện các thủ đoạn giả danh công an, ngân hàng, nhân viên điện lực để chiếm đoạt tài sản và cách phòng tránh."),
    _s("Bình đẳng giới trong gia đình", ("binh_dang_gioi",), "toa_dam", "vi", 15, "Tọa đàm về chia sẻ việc nhà, quyền quyết định kinh tế gia đình và phòng, chống bạo lực gia đình."),
    _s("Dinh dưỡng cho trẻ dưới 5 tuổi", ("dinh_duong", "y_te"), "pho_bien_kien_thuc", "vi", 8, "Cán bộ y tế hướng dẫn xây dựng bữa ăn đủ chất, theo dõi cân nặng, chiều cao để phòng suy dinh dưỡng thấp còi."),
    _s("Phòng chống sốt xuất huyết", ("y_te",), "pho_bien_kien_thuc", "vi", 6, "Diệt bọ gậy, loăng quăng; ngủ màn; đưa người bệnh đến cơ sở y tế khi sốt cao liên tục."),
    _s("Bảo hiểm y tế hộ gia đình", ("y_te", "giam_ngheo_thong_tin"), "bai", "vi", 7, "Quyền lợi và mức đóng bảo hiểm y tế theo hộ gia đình; gia hạn thẻ trên ứng dụng VssID."),
    _s("Phổ biến Luật Đất đai 2024", ("phap_luat",), "pho_bien_kien_thuc", "vi", 12, "Những điểm mới của Luật Đất đai 2024 về cấp giấy chứng nhận, bồi thường, hỗ trợ khi Nhà nước thu hồi đất."),
    _s("Hỏi đáp pháp luật về hôn nhân và gia đình", ("phap_luat", "binh_dang_gioi"), "chuyen_muc", "vi", 15, "Giải đáp thư thính giả về đăng ký kết hôn, tài sản chung của vợ chồng và quyền nuôi con sau ly hôn."),
    _s("Kỹ thuật chăm sóc chè vụ đông", ("nong_nghiep",), "pho_bien_kien_thuc", "vi", 8, "Đốn chè, bón phân hữu cơ, tủ gốc giữ ẩm để chè sinh trưởng tốt và cho năng suất cao vào vụ xuân."),
    _s("Liên kết chuỗi giá trị nông sản", ("nong_nghiep", "ocop", "ntm"), "phong_su", "vi", 11, "Doanh nghiệp, hợp tác xã và nông dân liên kết sản xuất – tiêu thụ, nâng giá trị nông sản địa phương."),
    _s("Chủ động ứng phó mưa lũ", ("phong_chong_thien_tai",), "thong_bao", "vi", 4, "Khuyến cáo của Ban Chỉ huy phòng thủ dân sự về gia cố nhà cửa, dự trữ lương thực và không qua ngầm tràn khi nước lớn."),
    _s("Sơ tán dân khỏi vùng sạt lở", ("phong_chong_thien_tai",), "thong_bao", "vi", 3, "Hướng dẫn nhận biết dấu hiệu sạt lở đất và điểm sơ tán tập trung của các thôn có nguy cơ."),
    _s("Bản tin thời sự sáng", ("thoi_su",), "tin", "vi", 10, "Tin tức trong tỉnh, trong nước và quốc tế nổi bật."),
    _s("Bản tin thời sự chiều", ("thoi_su",), "tin", "vi", 10, "Tin tức nổi bật trong ngày và lịch công tác của địa phương."),
    _s("Tiếp sóng chương trình thời sự Đài Tiếng nói Việt Nam", ("thoi_su",), "tiep_song", "vi", 30, "Tiếp sóng chương trình thời sự tổng hợp của Đài Tiếng nói Việt Nam."),
    _s("Tiếp sóng Đài PT-TH tỉnh", ("thoi_su", "ntm"), "tiep_song", "vi", 30, "Tiếp sóng chương trình thời sự và chuyên mục nông thôn mới của Đài Phát thanh – Truyền hình tỉnh."),
    _s("Khuyến học, khuyến tài ở khu dân cư", ("giao_duc",), "bai", "vi", 5, "Các dòng họ, chi hội khuyến học ở thôn, xóm động viên học sinh nghèo vượt khó."),
    _s("Phim tài liệu: Những người giữ rừng", ("moi_truong", "du_lich"), "phim_tai_lieu", "vi", 25, "Chân dung những tổ bảo vệ rừng cộng đồng ngày đêm tuần tra, giữ màu xanh cho rừng đầu nguồn."),
    _s("Phim tài liệu: Đường về bản", ("ntm", "giam_ngheo_thong_tin"), "phim_tai_lieu", "vi", 25, "Con đường bê tông, lưới điện và sóng điện thoại về bản vùng cao đã thay đổi cuộc sống đồng bào thế nào."),
    _s("Thông báo lịch tiếp công dân", ("phap_luat",), "thong_bao", "vi", 2, "Lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân xã và địa điểm tiếp."),
    _s("Thông báo thu gom rác thải", ("moi_truong",), "thong_bao", "vi", 2, "Lịch thu gom rác thải sinh hoạt theo tuyến và quy định để rác đúng nơi, đúng giờ."),
    _s("Tiếng Tày: Kinh nghiệm trồng chè sạch", ("nong_nghiep", "ocop"), "pho_bien_kien_thuc", "tay", 8, "Chương trình tiếng Tày: người trồng chè chia sẻ cách sản xuất theo tiêu chuẩn VietGAP."),
    _s("Tiếng Tày: Giảm nghèo bền vững", ("giam_ngheo_thong_tin",), "bai", "tay", 11, "Chương trình tiếng Tày về các chính sách giảm nghèo và gương hộ thoát nghèo ở vùng cao."),
    _s("Tiếng Nùng: Vệ sinh môi trường bản làng", ("moi_truong", "ntm"), "bai", "nung", 7, "Chương trình tiếng Nùng: giữ bản làng sạch đẹp, làm chuồng trại xa nhà ở."),
    _s("Tiếng Dao: Bảo vệ rừng đầu nguồn", ("moi_truong",), "pho_bien_kien_thuc", "dao", 7, "Chương trình tiếng Dao về trách nhiệm của cộng đồng trong bảo vệ và phát triển rừng."),
    _s("Tiếng H'Mông: Không tảo hôn", ("binh_dang_gioi", "phap_luat"), "pho_bien_kien_thuc", "hmn", 8, "Chương trình tiếng H'Mông về tác hại của tảo hôn, hôn nhân cận huyết thống và quy định của pháp luật."),
    _s("Tiếng H'Mông: Chăm sóc bà mẹ và trẻ em", ("y_te", "dinh_duong"), "bai", "hmn", 7, "Chương trình tiếng H'Mông: khám thai định kỳ, sinh con tại trạm y tế, tiêm chủng đầy đủ cho trẻ."),
]  # fmt: skip

# Stock that is no longer valid (valid_to before the demo's first week): shows expired content.
EXPIRED: list[Spec] = [
    _s("Tuyên truyền Tháng hành động vì an toàn thực phẩm", ("y_te",), "thong_bao", "vi", 3, "Khuyến cáo lựa chọn, chế biến và bảo quản thực phẩm an toàn trong Tháng hành động."),
    _s("Phòng chống dịch bệnh mùa hè", ("y_te",), "pho_bien_kien_thuc", "vi", 6, "Phòng bệnh tay chân miệng, tiêu chảy cấp và sốt xuất huyết trong những tháng nắng nóng."),
]  # fmt: skip

# The district and provincial stations' own feature, one new issue a week (15 minutes).
NTM_COLUMN_THEMES = (
    "Huy động nguồn lực xã hội hóa xây dựng nông thôn mới",
    "Nâng cao thu nhập cho người dân – thước đo của nông thôn mới",
    "Mặt trận và các đoàn thể chung sức xây dựng nông thôn mới",
    "Xây dựng thôn, xóm sáng – xanh – sạch – đẹp",
    "Nông thôn mới gắn với chuyển đổi số",
    "Giữ vững tiêu chí an ninh trật tự ở khu dân cư",
    "Giữ gìn bản sắc văn hóa các dân tộc trong nông thôn mới",
    "Phát triển sản phẩm OCOP gắn với nông thôn mới",
    "Nâng cao chất lượng tiêu chí y tế, giáo dục",
    "Duy trì tiêu chí sau khi xã đạt chuẩn",
    "Vai trò chủ thể của người dân trong xây dựng nông thôn mới",
    "Hợp tác xã kiểu mới – động lực phát triển kinh tế nông thôn",
)

# Weekly NTM stories about a commune: (title, description, extra topics, type, minutes).
NTM_STORIES: tuple[tuple[str, str, tuple[str, ...], str, int], ...] = (
    ("{Xa}: đổi thay từ phong trào hiến đất làm đường", "Người dân {xa} tự nguyện hiến đất, góp ngày công mở rộng đường liên thôn, hoàn thành tiêu chí giao thông.", (), "phong_su", 10),
    ("{Xa} nâng cao thu nhập từ vùng chè VietGAP", "Vùng chè sản xuất theo tiêu chuẩn VietGAP giúp thu nhập bình quân của người dân {xa} tăng rõ rệt.", ("nong_nghiep",), "bai", 6),
    ("{Xa} hoàn thiện tiêu chí môi trường", "Các thôn của {xa} ra quân thu gom rác, trồng hoa hai bên đường, xây dựng mô hình ủ phân hữu cơ.", ("moi_truong",), "phong_su", 9),
    ("Nhà văn hóa thôn – điểm hẹn cộng đồng ở {xa}", "Nhà văn hóa được nâng cấp trở thành nơi sinh hoạt văn nghệ, thể thao và họp thôn của người dân {xa}.", (), "bai", 6),
    ("{Xa} phấn đấu đạt chuẩn nông thôn mới nâng cao", "Những việc {xa} đang làm để hoàn thành các tiêu chí còn lại trước kỳ thẩm định cuối năm.", (), "phong_su", 11),
    ("Khu dân cư kiểu mẫu ở {xa}", "Cách một thôn của {xa} huy động người dân làm đường hoa, camera an ninh và quỹ khuyến học.", (), "bai", 7),
    ("Nước sạch về thôn vùng cao {xa}", "Công trình cấp nước tập trung đưa nước sạch đến hàng trăm hộ dân {xa}, góp phần hoàn thành tiêu chí môi trường.", ("moi_truong",), "phong_su", 9),
    ("Hợp tác xã kiểu mới giúp nông dân {xa} tiêu thụ nông sản", "Hợp tác xã liên kết với doanh nghiệp bao tiêu sản phẩm, nông dân {xa} yên tâm mở rộng sản xuất.", ("nong_nghiep", "ocop"), "phong_su", 10),
    ("{Xa} giữ vững tiêu chí an ninh trật tự", "Mô hình tổ tự quản và camera an ninh giúp {xa} giảm các vụ trộm cắp tài sản.", ("an_ninh_trat_tu",), "bai", 6),
    ("Thôn thông minh: chuyển đổi số về {xa}", "Người dân {xa} dùng điện thoại thông minh để nộp hồ sơ trực tuyến, bán nông sản trên mạng.", ("chuyen_doi_so",), "phong_su", 10),
    ("Trường học đạt chuẩn quốc gia ở {xa}", "Trường học của {xa} được đầu tư cơ sở vật chất, góp phần hoàn thành tiêu chí giáo dục.", ("giao_duc",), "bai", 6),
    ("Chợ nông thôn {xa} khang trang, sạch sẽ", "Chợ được cải tạo, phân khu hàng hóa và bảo đảm an toàn thực phẩm, phục vụ người dân {xa}.", (), "bai", 5),
)  # fmt: skip

# Headline of the weekly NTM bulletin.
NTM_HEADLINES = (
    "tiến độ hoàn thành tiêu chí của các xã đăng ký về đích năm 2026",
    "kết quả huy động nguồn lực làm đường giao thông nông thôn",
    "hội nghị sơ kết phong trào chung sức xây dựng nông thôn mới",
    "đoàn thẩm định nông thôn mới nâng cao làm việc tại các xã",
    "nhân rộng mô hình khu dân cư kiểu mẫu",
    "kết quả thực hiện tiêu chí thu nhập và hộ nghèo",
    "ra quân vệ sinh môi trường cuối tuần ở các thôn",
    "tiến độ giải ngân vốn chương trình mục tiêu quốc gia",
    "biểu dương điển hình tiên tiến trong xây dựng nông thôn mới",
    "sản phẩm OCOP mới được công nhận trong tháng",
)

# Minority-language bulletins: language code -> name as in "Bản tin tiếng Tày".
MINORITY_NAMES = {"tay": "Tày", "nung": "Nùng", "dao": "Dao", "hmn": "H'Mông"}

# Topics of minority-language bulletins, in rotation: (topic, title part, description part).
MINORITY_THEMES: tuple[tuple[str, str, str], ...] = (
    ("ntm", "Chung sức xây dựng nông thôn mới", "gương người dân hiến đất, góp công làm đường, giữ bản làng sạch đẹp"),
    ("y_te", "Chăm sóc sức khỏe cộng đồng", "khám thai định kỳ, tiêm chủng cho trẻ, đưa người ốm đến trạm y tế"),
    ("nong_nghiep", "Kỹ thuật chăn nuôi, trồng trọt", "phòng bệnh cho trâu bò khi trời rét, chăm sóc cây ăn quả, cây chè"),
    ("an_ninh_trat_tu", "Giữ gìn an ninh bản làng", "cảnh giác với kẻ lạ mặt, không nghe theo lời rủ rê đi làm ăn xa"),
    ("phap_luat", "Pháp luật với đồng bào", "quy định về đăng ký khai sinh, kết hôn và quyền sử dụng đất"),
    ("chuyen_doi_so", "Dùng điện thoại thông minh an toàn", "cài ứng dụng VNeID, nhận biết tin nhắn lừa đảo"),
    ("phong_chong_thien_tai", "Phòng tránh thiên tai", "nhận biết dấu hiệu lũ quét, sạt lở đất và nơi sơ tán"),
    ("giam_ngheo_thong_tin", "Chính sách giảm nghèo", "vay vốn ưu đãi, hỗ trợ nhà ở, học nghề cho thanh niên"),
)  # fmt: skip

# Second, longer minority-language piece every other week: (topics, title part, description).
MINORITY_FEATURES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("binh_dang_gioi", "phap_luat"), "Nói không với tảo hôn", "tác hại của tảo hôn và hôn nhân cận huyết thống"),
    (("dinh_duong", "y_te"), "Bữa ăn đủ chất cho trẻ nhỏ", "cách nấu bữa ăn đủ chất từ thực phẩm sẵn có ở địa phương"),
    (("moi_truong", "ntm"), "Làm chuồng trại xa nhà ở", "giữ vệ sinh nguồn nước và phòng dịch bệnh cho gia súc"),
    (("giao_duc",), "Cho con đến trường đúng độ tuổi", "lợi ích của việc học và chính sách hỗ trợ học sinh vùng cao"),
    (("nong_nghiep", "ocop"), "Sản phẩm đặc sản của bản", "đưa măng, miến dong, chè shan tuyết thành sản phẩm OCOP"),
)  # fmt: skip

# Information-poverty programmes for district stations (10–15 minutes).
GIAM_NGHEO_THEMES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Vay vốn ưu đãi từ Ngân hàng Chính sách xã hội", "Điều kiện, thủ tục vay vốn sản xuất kinh doanh dành cho hộ nghèo, hộ cận nghèo và hộ mới thoát nghèo.", ()),
    ("Hỗ trợ nhà ở cho hộ nghèo", "Chương trình xóa nhà tạm, nhà dột nát: mức hỗ trợ, hồ sơ đề nghị và tiến độ thực hiện.", ()),
    ("Đào tạo nghề cho lao động nông thôn", "Các lớp đào tạo nghề miễn phí, hỗ trợ tiền ăn, đi lại cho người học thuộc hộ nghèo.", ("giao_duc",)),
    ("Thông tin thị trường nông sản", "Giá chè, lúa, gia súc tuần qua và dự báo thị trường giúp nông dân chủ động sản xuất.", ("nong_nghiep",)),
    ("Đưa internet và điện thoại thông minh đến hộ nghèo", "Chương trình hỗ trợ điện thoại thông minh và gói cước cho hộ nghèo để tiếp cận thông tin.", ("chuyen_doi_so",)),
    ("Xuất khẩu lao động an toàn", "Lựa chọn doanh nghiệp có giấy phép, tránh bị lừa đảo khi đi làm việc ở nước ngoài.", ("an_ninh_trat_tu",)),
    ("Sinh kế bền vững cho đồng bào vùng cao", "Mô hình nuôi dê, trồng quế, trồng dược liệu giúp đồng bào vùng cao thoát nghèo.", ("nong_nghiep",)),
    ("Bảo hiểm y tế cho người nghèo", "Quyền lợi khi khám, chữa bệnh bằng thẻ bảo hiểm y tế do Nhà nước cấp cho hộ nghèo.", ("y_te",)),
    ("Hỗ trợ học sinh nghèo vượt khó", "Chính sách miễn, giảm học phí, hỗ trợ chi phí học tập và gạo cho học sinh vùng khó khăn.", ("giao_duc",)),
    ("Thoát nghèo từ mô hình kinh tế hộ", "Những hộ gia đình vươn lên thoát nghèo nhờ mạnh dạn vay vốn, áp dụng khoa học kỹ thuật.", ()),
)  # fmt: skip

# Other topical pieces, a few new ones each week.
TOPICAL: list[Spec] = [
    _s("Tổ công nghệ số cộng đồng hướng dẫn dịch vụ công trực tuyến", ("chuyen_doi_so",), "phong_su", "vi", 10, "Tổ công nghệ số cộng đồng đến từng nhà hướng dẫn người dân nộp hồ sơ trên Cổng dịch vụ công quốc gia."),
    _s("Bán nông sản trên sàn thương mại điện tử", ("chuyen_doi_so", "ocop"), "pho_bien_kien_thuc", "vi", 8, "Cách đưa sản phẩm OCOP lên sàn thương mại điện tử, chụp ảnh sản phẩm và giao hàng."),
    _s("Nâng hạng sản phẩm OCOP 3 sao lên 4 sao", ("ocop",), "bai", "vi", 6, "Những yêu cầu về bao bì, truy xuất nguồn gốc và chất lượng để sản phẩm OCOP được nâng hạng."),
    _s("Miến dong – sản phẩm OCOP của vùng cao", ("ocop", "nong_nghiep"), "phong_su", "vi", 9, "Hợp tác xã làm miến dong giữ nghề truyền thống, có sản phẩm đạt OCOP 3 sao."),
    _s("Cảnh giác thủ đoạn lừa đảo qua điện thoại", ("an_ninh_trat_tu", "chuyen_doi_so"), "pho_bien_kien_thuc", "vi", 6, "Công an xã khuyến cáo không cung cấp mã OTP, không chuyển tiền theo yêu cầu của người lạ."),
    _s("Tàng trữ, sử dụng vũ khí, vật liệu nổ là vi phạm pháp luật", ("an_ninh_trat_tu", "phap_luat"), "pho_bien_kien_thuc", "vi", 5, "Vận động người dân giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ cho cơ quan công an."),
    _s("Phòng chống ma túy trong thanh thiếu niên", ("an_ninh_trat_tu", "y_te"), "bai", "vi", 6, "Tác hại của ma túy tổng hợp, thuốc lá điện tử và vai trò của gia đình trong phòng ngừa."),
    _s("Bảo đảm an toàn giao thông dịp cuối năm", ("an_ninh_trat_tu",), "thong_bao", "vi", 3, "Đội mũ bảo hiểm đúng cách, đã uống rượu bia không lái xe, chú ý khi qua đường ngang đường sắt."),
    _s("Tiêm chủng vắc xin sởi cho trẻ", ("y_te",), "thong_bao", "vi", 3, "Trạm y tế tổ chức tiêm bổ sung vắc xin sởi cho trẻ từ 1 đến 5 tuổi; phụ huynh mang theo sổ tiêm chủng."),
    _s("Phòng bệnh cúm mùa khi trời trở lạnh", ("y_te",), "pho_bien_kien_thuc", "vi", 5, "Giữ ấm, rửa tay thường xuyên, đeo khẩu trang nơi đông người và tiêm phòng cúm cho người cao tuổi."),
    _s("Khám sức khỏe định kỳ cho người cao tuổi", ("y_te",), "bai", "vi", 5, "Trạm y tế lập hồ sơ sức khỏe điện tử và khám định kỳ miễn phí cho người cao tuổi."),
    _s("Phòng, chống rét cho người và gia súc", ("phong_chong_thien_tai", "nong_nghiep"), "thong_bao", "vi", 3, "Khi nhiệt độ xuống dưới 12 độ C: không thả trâu bò lên núi, che chắn chuồng trại, giữ ấm cho trẻ nhỏ.", 3),
    _s("Phòng chống cháy rừng mùa hanh khô", ("phong_chong_thien_tai", "moi_truong"), "thong_bao", "vi", 3, "Không đốt nương, đốt rác gần rừng; phát hiện cháy báo ngay cho kiểm lâm và chính quyền xã."),
    _s("Kỹ năng ứng phó khi có dông, lốc, sét", ("phong_chong_thien_tai",), "pho_bien_kien_thuc", "vi", 5, "Không trú dưới gốc cây to, không dùng điện thoại ngoài trời khi có sét; chằng chống mái nhà."),
    _s("Diễn tập phòng thủ dân sự cấp xã", ("phong_chong_thien_tai", "an_ninh_trat_tu"), "phong_su", "vi", 8, "Lực lượng dân quân, y tế và người dân phối hợp sơ tán, cứu nạn trong buổi diễn tập."),
    _s("Phổ biến Luật Thực hiện dân chủ ở cơ sở", ("phap_luat",), "pho_bien_kien_thuc", "vi", 10, "Những việc người dân được biết, được bàn, được quyết định và được kiểm tra, giám sát."),
    _s("Quy định mới về cấp căn cước", ("phap_luat", "chuyen_doi_so"), "pho_bien_kien_thuc", "vi", 6, "Đối tượng cấp căn cước, thủ tục cấp đổi và việc tích hợp thông tin trên thẻ căn cước."),
    _s("Hòa giải ở cơ sở: giữ tình làng nghĩa xóm", ("phap_luat",), "phong_su", "vi", 8, "Tổ hòa giải thôn giải quyết mâu thuẫn đất đai, gia đình ngay từ cơ sở."),
    _s("Giải đáp pháp luật về thừa kế đất đai", ("phap_luat",), "chuyen_muc", "vi", 12, "Luật sư trả lời thư thính giả về chia thừa kế quyền sử dụng đất và lập di chúc."),
    _s("Chăm sóc lúa xuân sau cấy", ("nong_nghiep",), "pho_bien_kien_thuc", "vi", 6, "Bón phân cân đối, điều tiết nước và phòng trừ ốc bươu vàng cho lúa xuân."),
    _s("Phòng bệnh lở mồm long móng cho gia súc", ("nong_nghiep",), "thong_bao", "vi", 3, "Tiêm phòng vắc xin đợt cuối năm, vệ sinh tiêu độc chuồng trại, không mua bán gia súc ốm."),
    _s("Trồng rừng gỗ lớn cho thu nhập bền vững", ("nong_nghiep", "moi_truong"), "phong_su", "vi", 9, "Mô hình trồng rừng gỗ lớn có chứng chỉ FSC giúp người dân tăng thu nhập và giữ đất."),
    _s("Nuôi cá lồng trên hồ", ("nong_nghiep",), "bai", "vi", 6, "Kỹ thuật chọn giống, cho ăn và phòng bệnh cho cá nuôi lồng mùa đông."),
    _s("Giảm thiểu rác thải nhựa", ("moi_truong",), "pho_bien_kien_thuc", "vi", 5, "Dùng túi vải, hạn chế đồ nhựa dùng một lần ở chợ quê và trong đám cưới, đám giỗ."),
    _s("Ngày Chủ nhật xanh ở khu dân cư", ("moi_truong", "ntm"), "bai", "vi", 5, "Đoàn viên, hội viên ra quân dọn vệ sinh, trồng cây xanh ở đường làng ngõ xóm."),
    _s("Ô nhiễm từ đốt rơm rạ sau thu hoạch", ("moi_truong", "nong_nghiep"), "pho_bien_kien_thuc", "vi", 5, "Dùng chế phẩm sinh học xử lý rơm rạ thành phân bón thay vì đốt ngoài đồng."),
    _s("Phụ nữ khởi nghiệp từ nông sản địa phương", ("binh_dang_gioi", "ocop"), "phong_su", "vi", 9, "Những phụ nữ mạnh dạn vay vốn, làm chủ cơ sở chế biến chè, măng, miến."),
    _s("Phòng, chống bạo lực gia đình", ("binh_dang_gioi", "phap_luat"), "pho_bien_kien_thuc", "vi", 6, "Các hành vi bạo lực gia đình, địa chỉ tin cậy ở cộng đồng và đường dây nóng hỗ trợ."),
    _s("Nam giới chia sẻ việc nhà", ("binh_dang_gioi",), "bai", "vi", 5, "Câu chuyện những gia đình ở thôn, xóm mà người chồng cùng vợ chăm con, làm việc nhà."),
    _s("Bữa ăn học đường đủ chất", ("dinh_duong", "giao_duc"), "bai", "vi", 6, "Các trường bán trú xây dựng thực đơn cân đối, dùng rau sạch do học sinh tự trồng."),
    _s("Bổ sung vi chất cho phụ nữ mang thai", ("dinh_duong", "y_te"), "pho_bien_kien_thuc", "vi", 5, "Uống viên sắt, axit folic và ăn đa dạng thực phẩm trong thời kỳ mang thai."),
    _s("Tuyển sinh giáo dục nghề nghiệp cho lao động nông thôn", ("giao_duc", "giam_ngheo_thong_tin"), "thong_bao", "vi", 4, "Trung tâm giáo dục nghề nghiệp tuyển sinh các lớp sửa chữa máy nông nghiệp, may công nghiệp, chế biến chè."),
    _s("Phổ cập bơi cho trẻ em, phòng chống đuối nước", ("giao_duc", "y_te"), "pho_bien_kien_thuc", "vi", 5, "Dạy trẻ kỹ năng an toàn dưới nước; rào chắn ao, hồ, giếng nước gần nhà."),
    _s("Học tập suốt đời ở trung tâm học tập cộng đồng", ("giao_duc",), "bai", "vi", 5, "Các lớp tin học, ngoại ngữ, kỹ thuật canh tác mở cho mọi người dân ở trung tâm học tập cộng đồng."),
    _s("Lễ hội trà và các điểm du lịch cuối năm", ("du_lich", "ocop"), "bai", "vi", 6, "Giới thiệu chương trình lễ hội, không gian trưng bày sản phẩm chè và các điểm đến cuối năm."),
    _s("Homestay vùng cao đón khách", ("du_lich", "giam_ngheo_thong_tin"), "phong_su", "vi", 9, "Đồng bào dân tộc thiểu số làm du lịch cộng đồng, giữ nhà sàn, giới thiệu ẩm thực truyền thống."),
    _s("Văn minh du lịch: ứng xử với du khách", ("du_lich",), "pho_bien_kien_thuc", "vi", 4, "Niêm yết giá, không chèo kéo, giữ vệ sinh ở điểm du lịch."),
    _s("Tiếp sóng chương trình nông thôn mới Đài Tiếng nói Việt Nam", ("ntm", "thoi_su"), "tiep_song", "vi", 15, "Tiếp sóng chuyên mục nông thôn mới phát trên hệ Thời sự của Đài Tiếng nói Việt Nam."),
    _s("Thông báo tổng vệ sinh môi trường cuối tuần", ("moi_truong", "ntm"), "thong_bao", "vi", 2, "Mời các hộ dân tham gia tổng vệ sinh đường làng, ngõ xóm vào sáng Chủ nhật.", 1),
    _s("Thông báo kế hoạch tiêm phòng gia súc, gia cầm", ("nong_nghiep",), "thong_bao", "vi", 2, "Lịch tiêm phòng tại các thôn; các hộ chăn nuôi nhốt gia súc, gia cầm để cán bộ thú y tiêm.", 2),
    _s("Thông báo lịch cắt điện", ("thoi_su",), "thong_bao", "vi", 1, "Điện lực thông báo lịch tạm ngừng cấp điện để bảo dưỡng đường dây.", 1),
    _s("Thông báo rà soát hộ nghèo, hộ cận nghèo cuối năm", ("giam_ngheo_thong_tin",), "thong_bao", "vi", 2, "Lịch họp thôn bình xét hộ nghèo, hộ cận nghèo; người dân tham gia đầy đủ.", 3),
    _s("Thông báo tuyển quân năm 2027", ("an_ninh_trat_tu", "phap_luat"), "thong_bao", "vi", 2, "Thanh niên trong độ tuổi có mặt khám sức khỏe nghĩa vụ quân sự theo giấy gọi.", 4),
]  # fmt: skip

PRODUCERS = (
    "Trung tâm Văn hóa - Thể thao và Truyền thông",
    "Đài Phát thanh - Truyền hình tỉnh",
    "Văn phòng Điều phối nông thôn mới tỉnh",
    "Sở Văn hóa, Thể thao và Du lịch",
)
