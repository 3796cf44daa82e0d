"""Word tables for reading aloud: the default abbreviations, units, letters, syllable shape."""

from __future__ import annotations

import re
import unicodedata

# Administrative and common abbreviations of commune notices. config.toml's [speech.abbreviations]
# holds the same table for operators to extend; entries there override these. Keys are matched
# case-sensitively as whole words; a key ending in "." also takes the dot (TP. Thái Nguyên).
DEFAULT_ABBREVIATIONS: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "UBMTTQ": "Ủy ban Mặt trận Tổ quốc",
    "MTTQ": "Mặt trận Tổ quốc",
    "MTTQVN": "Mặt trận Tổ quốc Việt Nam",
    "NTM": "nông thôn mới",
    "OCOP": "Ô-cốp",
    "BCĐ": "Ban Chỉ đạo",
    "BCH": "Ban Chấp hành",
    "BTC": "Ban Tổ chức",
    "TW": "Trung ương",
    "TƯ": "Trung ương",
    "TP.": "thành phố",
    "Tp.": "thành phố",
    "TP": "thành phố",
    "TX.": "thị xã",
    "TT.": "thị trấn",
    "KP": "khu phố",
    "TDP": "tổ dân phố",
    "KDC": "khu dân cư",
    "HTX": "hợp tác xã",
    "CAX": "Công an xã",
    "BCHQS": "Ban Chỉ huy quân sự",
    "CCB": "Cựu chiến binh",
    "HND": "Hội Nông dân",
    "HLHPN": "Hội Liên hiệp Phụ nữ",
    "LHPN": "Liên hiệp Phụ nữ",
    "ĐTN": "Đoàn Thanh niên",
    "TNCS": "Thanh niên Cộng sản",
    "HCM": "Hồ Chí Minh",
    "VN": "Việt Nam",
    "CHXHCN": "Cộng hòa xã hội chủ nghĩa",
    "ĐBSCL": "đồng bằng sông Cửu Long",
    "CP": "cổ phần",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "TYT": "Trạm Y tế",
    "TTYT": "Trung tâm Y tế",
    "THCS": "trung học cơ sở",
    "THPT": "trung học phổ thông",
    "ATGT": "an toàn giao thông",
    "ATTP": "an toàn thực phẩm",
    "ANTT": "an ninh trật tự",
    "PCCC": "phòng cháy chữa cháy",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "CSGT": "Cảnh sát giao thông",
    "KT-XH": "kinh tế - xã hội",
    "VH-XH": "văn hóa - xã hội",
    "TDTT": "thể dục thể thao",
    "VHTT": "văn hóa thông tin",
    "VHTTDL": "Văn hóa, Thể thao và Du lịch",
    "TTTT": "Thông tin và Truyền thông",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "KH&CN": "khoa học và công nghệ",
    "CNTT": "công nghệ thông tin",
    "CĐS": "chuyển đổi số",
    "VPĐP": "Văn phòng Điều phối",
    "ĐVHC": "đơn vị hành chính",
    "CBCCVC": "cán bộ, công chức, viên chức",
    "GPMB": "giải phóng mặt bằng",
    "KCN": "khu công nghiệp",
    "QL": "quốc lộ",
    "ĐT": "điện thoại",
    "SĐT": "số điện thoại",
    "QĐ": "quyết định",
    "NQ": "nghị quyết",
    "NĐ": "nghị định",
    "v.v.": "vân vân",
    "COVID-19": "Cô-vít mười chín",
    "COVID": "Cô-vít",
    "AIDS": "ết",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "WHO": "Tổ chức Y tế Thế giới",
    "ASEAN": "A-xê-an",
}

# Document kinds in a symbol such as 15/TB-UBND: said before the number, so dropped from it.
DOCUMENT_KINDS = frozenset(
    {"TB", "QĐ", "KH", "CV", "NĐ", "TT", "CT", "NQ", "BC", "TTr", "HD", "GM", "KL", "TTLT", "QC"}
)

# Issuers that only mean this inside a document symbol (15/2020/NĐ-CP); elsewhere CP is "cổ phần".
DOCUMENT_ISSUERS: dict[str, str] = {"CP": "Chính phủ", "TTg": "Thủ tướng Chính phủ"}

# Units after a figure; longest first when matched. Values are the spoken words.
UNITS: dict[str, str] = {
    "km²": "ki-lô-mét vuông", "km2": "ki-lô-mét vuông", "m²": "mét vuông", "m2": "mét vuông",
    "m³": "mét khối", "m3": "mét khối", "km/h": "ki-lô-mét một giờ", "m/s": "mét một giây",
    "km": "ki-lô-mét", "cm": "xen-ti-mét", "mm": "mi-li-mét", "m": "mét", "ha": "héc-ta",
    "kg": "ki-lô-gam", "g": "gam", "ml": "mi-li-lít", "l": "lít", "kWh": "ki-lô-oát giờ",
    "kW": "ki-lô-oát", "MW": "mê-ga-oát", "°C": "độ C", "ºC": "độ C", "°": "độ",
}  # fmt: skip

CURRENCIES: dict[str, str] = {
    "VNĐ": "đồng", "VND": "đồng", "vnđ": "đồng", "đồng": "đồng", "đ": "đồng", "USD": "đô la Mỹ",
}  # fmt: skip

# Letter names for spelling an unknown acronym (HIV -> hát i vê).
LETTERS: dict[str, str] = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e",
    "Ê": "ê", "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e-lờ",
    "M": "em", "N": "en", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e-rờ",
    "S": "ét", "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích",
    "Y": "i dài", "Z": "dét",
}  # fmt: skip

_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?$"
)


def _bare(word: str) -> str:
    """The word without tone and vowel marks, đ as d, lower case."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_syllable(word: str) -> bool:
    """True when the word has the shape of one Vietnamese syllable (THÔNG, BÁO, NAM)."""
    return bool(_SYLLABLE.match(_bare(word)))


def spell(word: str) -> str:
    """An acronym letter by letter with Vietnamese letter names; digits as digits."""
    from audio.reading.numbers import DIGITS

    names = []
    for ch in word:
        if ch.isdigit():
            names.append(DIGITS[int(ch)])
        elif ch.upper() in LETTERS:
            names.append(LETTERS[ch.upper()])
    return " ".join(names)
