"""Vietnamese text as it is read aloud: figures, dates, times, money, units and abbreviations
written out in words, markup and links dropped. Pure: the abbreviation table is an argument."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

from audio.reading.markup import drop_markup, lines, visible
from audio.reading.numbers import (
    decimal_words,
    digit_words,
    month_words,
    number_words,
    ordinal_words,
    roman_value,
)
from audio.reading.words import (
    CURRENCIES,
    DEFAULT_ABBREVIATIONS,
    DOCUMENT_ISSUERS,
    DOCUMENT_KINDS,
    UNITS,
    is_syllable,
    spell,
)

L = r"[^\W\d_]"  # one letter (any script)
NUM = r"\d+(?:[.,]\d+)*"
_END_OF_WORD = rf"(?!{L})"

_DOC_WITH_YEAR = re.compile(r"(?<![\d/])(\d{1,5})/((?:19|20)\d\d)/([A-ZĐ][\w&]*(?:-[\w&]+)*)")
_DOC = re.compile(r"(?<![\d/])(\d{1,5})/([A-ZĐ][\w&]*(?:-[\w&]+)+)")
_PHONE_CUE = re.compile(
    r"((?:số\s+)?(?:điện\s+thoại|máy|hotline|đường\s+dây\s+nóng|fax|zalo)|gọi(?:\s+số)?|liên\s+hệ)"
    r"(\s*(?:số)?\s*[:.]?\s*)(\+?\d[\d .-]{1,18}\d)(?![\d])",
    re.I,
)
_PHONE = re.compile(r"(?<![\w.,/])(\+84|0)[ .-]?(\d[\d .-]{7,14}\d)(?![\w])")
_HOTLINE = re.compile(r"(?<![\w.,/])(1[89]00[ .]?\d{3,4}(?:[ .]?\d{2,4})?)(?![\w])")
_DATE = re.compile(r"(?<![\d/.,])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/])")
_DAY_RANGE = re.compile(
    r"(?<![\d/.,])(\d{1,2})\s*[-–]\s*(\d{1,2})([/.])(\d{1,2})(?:\3(\d{4}))?(?![\d/])"
)
_MONTH_YEAR = re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{4})(?![\d/])")
_DAY_MONTH = re.compile(r"(?<![\d/.,])(\d{1,2})/(\d{1,2})(?![\d/])")
_CLOCK = re.compile(r"(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])")
_HOURS = re.compile(
    rf"(?<![\w.,])([01]?\d|2[0-3])\s?(?:h\s?([0-5]\d)?|g\s?([0-5]\d))"
    rf"(?:\s?(?:phút|p|')(?!{L}))?(?!{L}|\d)"
)
_NEGATIVE = re.compile(r"(?:(?<=^)|(?<=[\s(]))-\s?(?=\d[\d.,]*\s?(?:°|ºC|độ))")
_CURRENCY_SIGN = re.compile(rf"\$\s?({NUM})")
_PERCENT = re.compile(rf"(?<![\d.,])({NUM})\s?%")
_ORDINAL = re.compile(r"\b(thứ|Thứ|hạng|Hạng)\s+(\d{1,3})(?!\d)")
_MONTH = re.compile(r"\b(tháng|Tháng)\s+(\d{1,2})(?![\d/])")
_ROMAN = re.compile(
    r"\b(quý|Quý|khóa|Khóa|khoá|Khoá|kỳ|Kỳ|kì|Kì|hội|Hội|thứ|Thứ|thế\s+kỷ|Thế\s+kỷ|chương|Chương"
    r"|phần|Phần|mục|Mục|cấp|Cấp|vùng|Vùng|quân\s+khu|Quân\s+khu|báo\s+động|Báo\s+động)\s+([IVXLCDM]+)\b"
)
_RANGE = re.compile(rf"(?<![\w.,])({NUM})\s?[-–—]\s?(?={NUM}(?!\d))")
_RATIO = re.compile(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/])")
_FIGURE = re.compile(NUM)
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_ENGLISH_GROUPED = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_ACRONYM = re.compile(rf"(?<!{L})([A-ZĐ][A-ZĐ0-9]+)(?!{L})")
_WORD_SLASH = re.compile(rf"({L}+)\s?/\s?({L}+)")
_SPACED_DASH = re.compile(r"\s[-–—]+\s")
_DROP = re.compile(r"[*#_~^|<>{}\[\]\\\"“”‘’«»`@]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_REPEATED_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+|,\s*([.!?])")
_DATE_TO = re.compile(r"(?<=\S)\s*[-–—]\s*(?=ngày )")
_TIME_TO = re.compile(rf"\b(giờ|phút|giây)\s*[-–—]\s*(?={L})")
_DATE_WORDS = ("ngày", "mùng", "mồng")


def _is_date(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


def figure_words(text: str) -> str:
    """A written figure in words: 2.000.000, 1,5, 12,25, 1,500,000 (English grouping), 007."""
    if _GROUPED.fullmatch(text):
        whole, _, fraction = text.partition(",")
        return decimal_words(whole.replace(".", ""), fraction or None)
    if _ENGLISH_GROUPED.fullmatch(text):
        whole, _, fraction = text.partition(".")
        return decimal_words(whole.replace(",", ""), fraction or None)
    parts = re.split(r"[.,]", text)
    if len(parts) == 1:
        return decimal_words(text, None)
    if len(parts) == 2:
        return decimal_words(parts[0], parts[1])
    return " ".join(figure_words(p) for p in parts)


def _preceding_word(match: re.Match[str]) -> str:
    before = match.string[: match.start()].rstrip()
    found = re.search(rf"({L}+)$", before)
    return found.group(1).lower() if found else ""


def _day_prefix(match: re.Match[str]) -> str:
    return "" if _preceding_word(match) in _DATE_WORDS else "ngày "


# --- documents, abbreviations, phones ----------------------------------------------------------


def _issuer(parts: list[str], table: Mapping[str, str]) -> str:
    """The issuing bodies of a document symbol (TB-UBND -> "của Ủy ban nhân dân")."""
    if parts and parts[0] in DOCUMENT_KINDS:
        parts = parts[1:]
    names = [DOCUMENT_ISSUERS.get(p) or table.get(p) or spell(p) for p in parts if p]
    return f" của {' '.join(names)}" if names else ""


def _documents(text: str, table: Mapping[str, str]) -> str:
    """Document numbers: 39/2020/TT-BTTTT -> "39 năm 2020 của Bộ Thông tin và Truyền thông"."""

    def with_year(m: re.Match[str]) -> str:
        return f"{m.group(1)} năm {m.group(2)}{_issuer(m.group(3).rstrip('.').split('-'), table)}"

    def without_year(m: re.Match[str]) -> str:
        return f"{m.group(1)}{_issuer(m.group(2).rstrip('.').split('-'), table)}"

    return _DOC.sub(without_year, _DOC_WITH_YEAR.sub(with_year, text))


def abbreviation_pattern(table: Mapping[str, str]) -> re.Pattern[str]:
    """One pattern for every key, longest first, matched as whole words (digits may follow)."""
    keys = sorted(table, key=len, reverse=True)
    dotted = "|".join(re.escape(k) for k in keys if k.endswith("."))
    plain = "|".join(re.escape(k) for k in keys if not k.endswith("."))
    either = [f"(?:{dotted})"] if dotted else []
    either += [f"(?:{plain})(?!{L})"] if plain else []
    return re.compile(rf"(?<!\w)({'|'.join(either) or '(?!)'})")


def _abbreviations(text: str, table: Mapping[str, str], pattern: re.Pattern[str]) -> str:
    def expand(m: re.Match[str]) -> str:
        key = m.group(1)
        reading = table[key]
        after = m.string[m.end() : m.end() + 1]
        return reading + (" " if after and not after.isspace() else "")

    return pattern.sub(expand, text)


def _grouped_digits(number: str) -> str:
    """A phone number digit by digit, a short pause between its written groups."""
    prefix = "cộng " if number.startswith("+") else ""
    groups = [g for g in re.split(r"[ .-]+", number.lstrip("+")) if g]
    return prefix + ", ".join(digit_words(g) for g in groups)


def _phones(text: str) -> str:
    """Phone numbers (after a cue such as "điện thoại", or shaped like one) digit by digit."""

    def cued(m: re.Match[str]) -> str:
        number = m.group(3)
        if sum(ch.isdigit() for ch in number) < 3:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{_grouped_digits(number)}"

    def shaped(m: re.Match[str]) -> str:
        digits = sum(ch.isdigit() for ch in m.group(0))
        wanted = (11, 12) if m.group(1) == "+84" else (10, 11)
        return _grouped_digits(m.group(0)) if digits in wanted else m.group(0)

    text = _PHONE_CUE.sub(cued, text)
    text = _PHONE.sub(shaped, text)
    return _HOTLINE.sub(lambda m: _grouped_digits(m.group(1)), text)


# --- dates and times --------------------------------------------------------------------------


def _date_words(day: int, month: int, year: int | None) -> str:
    text = f"{number_words(day)} tháng {month_words(month)}"
    return f"{text} năm {number_words(year)}" if year is not None else text


def _dates(text: str) -> str:
    """03/12/2026, ngày 3/12, 01-05/12, 12/2026 in words (the word "ngày" added once)."""

    def full(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), int(m.group(3))
        if not _is_date(day, month):
            return m.group(0)
        return _day_prefix(m) + _date_words(day, month, int(m.group(4)))

    def day_range(m: re.Match[str]) -> str:
        first, last, month = int(m.group(1)), int(m.group(2)), int(m.group(4))
        if not (_is_date(first, month) and _is_date(last, month)):
            return m.group(0)
        year = int(m.group(5)) if m.group(5) else None
        return (f"{_day_prefix(m)}{number_words(first)} đến ngày "
                f"{_date_words(last, month, year)}")  # fmt: skip

    def month_year(m: re.Match[str]) -> str:
        month = int(m.group(1))
        if not 1 <= month <= 12:
            return m.group(0)
        prefix = "" if _preceding_word(m) == "tháng" else "tháng "
        return f"{prefix}{month_words(month)} năm {number_words(int(m.group(2)))}"

    def day_month(m: re.Match[str]) -> str:
        day, month = int(m.group(1)), int(m.group(2))
        if not _is_date(day, month):
            return m.group(0)
        return _day_prefix(m) + _date_words(day, month, None)

    text = _DAY_RANGE.sub(day_range, text)
    text = _DATE.sub(full, text)
    text = _MONTH_YEAR.sub(month_year, text)
    text = _DAY_MONTH.sub(day_month, text)
    return _DATE_TO.sub(" đến ", text)


def _clock_words(hour: int, minute: int, second: int = 0) -> str:
    words = f"{number_words(hour)} giờ"
    if minute:
        words += f" {number_words(minute)} phút"
    if second:
        words += f" {number_words(second)} giây"
    return words


def _times(text: str) -> str:
    """07:30, 7h30, 7h, 7g30 -> "bảy giờ ba mươi phút"."""
    text = _CLOCK.sub(
        lambda m: _clock_words(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)), text
    )
    text = _HOURS.sub(
        lambda m: _clock_words(int(m.group(1)), int(m.group(2) or m.group(3) or 0)), text
    )
    return _TIME_TO.sub(r"\1 đến ", text)


# --- quantities ---------------------------------------------------------------------------------

_UNIT_KEYS = sorted(UNITS, key=len, reverse=True)
_UNIT = re.compile(rf"(?<![\d.,])({NUM})\s?({'|'.join(re.escape(u) for u in _UNIT_KEYS)})(?!{L})")
_SCALES = r"tỷ|tỉ|triệu|nghìn|ngàn"
_CURRENCY = re.compile(
    rf"(?<![\d.,])({NUM})\s?({_SCALES})?\s?({'|'.join(re.escape(c) for c in CURRENCIES)})(?!{L})"
)


def _quantities(text: str) -> str:
    """Ranges (5-7 -> "5 đến 7"), negative temperatures, money, percentages, units."""
    text = _NEGATIVE.sub("âm ", text)
    text = _RANGE.sub(r"\1 đến ", text)

    def money(m: re.Match[str]) -> str:
        scale = f" {m.group(2)}" if m.group(2) else ""
        return f"{figure_words(m.group(1))}{scale} {CURRENCIES[m.group(3)]}"

    text = _CURRENCY.sub(money, text)
    text = _CURRENCY_SIGN.sub(lambda m: f"{figure_words(m.group(1))} đô la", text)
    text = _PERCENT.sub(lambda m: f"{figure_words(m.group(1))} phần trăm", text)
    return _UNIT.sub(lambda m: f"{figure_words(m.group(1))} {_unit_words(m.group(2))}", text)


def _unit_words(unit: str) -> str:
    reading = UNITS[unit]
    return reading.replace("độ C", "độ xê")


def _per_unit(text: str) -> str:
    """đồng/người -> "đồng một người", kg/ha; any other word/word -> "word word"."""
    units = set(UNITS) | {"người", "hộ", "ngày", "tháng", "năm", "tuần", "lượt", "con", "giờ"}
    readings = {v.split()[-1] for v in UNITS.values()} | {"đồng", "la", "Mỹ", "đô"}

    def per(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        if second in units and (first in readings or first in units):
            return f"{first} một {UNITS.get(second, second)}"
        return f"{first} {second}"

    for _ in range(3):  # đồng/người/năm: each slash in turn
        text, count = _WORD_SLASH.subn(per, text)
        if not count:
            break
    return text


def _counted(text: str) -> str:
    """Ordinals (thứ 4 -> thứ tư), months (tháng 4 -> tháng tư), Roman numerals after a noun."""

    def roman(m: re.Match[str]) -> str:
        value = roman_value(m.group(2))
        if value is None:
            return m.group(0)
        noun = m.group(1)
        return f"{noun} {ordinal_words(value) if noun.lower() == 'thứ' else number_words(value)}"

    text = _ROMAN.sub(roman, text)
    text = _ORDINAL.sub(lambda m: f"{m.group(1)} {ordinal_words(int(m.group(2)))}", text)
    return _MONTH.sub(lambda m: f"{m.group(1)} {month_words(int(m.group(2)))}", text)


def _figures(text: str) -> str:
    """Ratios (3/50 -> "ba trên năm mươi"), then every figure."""
    text = _RATIO.sub(lambda m: f"{figure_words(m.group(1))} trên {figure_words(m.group(2))}", text)
    return _FIGURE.sub(lambda m: f" {figure_words(m.group(0))} ", text)


# --- letters and punctuation --------------------------------------------------------------------


def _letters(text: str) -> str:
    """Unknown acronyms spelled (HIV -> "hát i vê"); words in capitals (THÔNG BÁO) stay."""
    return _ACRONYM.sub(
        lambda m: m.group(1) if is_syllable(m.group(1)) else spell(m.group(1)), text
    )


def _punctuation(text: str) -> str:
    """Symbols read or dropped, brackets and spaced dashes as pauses, spaces tidied."""
    text = text.replace("&", " và ").replace("…", "...").replace("=", " bằng ")
    text = text.replace("%", " phần trăm ").replace("°", " độ ")
    text = re.sub(r"[()]", ", ", text)
    text = _SPACED_DASH.sub(", ", text)
    text = _DROP.sub(" ", text)
    text = text.replace("/", " ")
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(lambda m: m.group(2) or m.group(1), text)
    text = re.sub(r"(^|\n)\s*[,.;:]\s*", r"\1", text)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


Step = Callable[[str], str]


class Reader:
    """Reads Vietnamese text aloud with an abbreviation table (defaults + the operator's)."""

    def __init__(self, abbreviations: Mapping[str, str] | None = None) -> None:
        self.table = {**DEFAULT_ABBREVIATIONS, **(abbreviations or {})}
        self._pattern = abbreviation_pattern(self.table)

    def read(self, text: str) -> str:
        """The text as it should be spoken (NFC, every figure and abbreviation in words)."""
        text = unicodedata.normalize("NFC", text)
        steps: list[Step] = [
            drop_markup,
            visible,
            lines,
            lambda t: _documents(t, self.table),
            lambda t: _abbreviations(t, self.table, self._pattern),
            _phones,
            _dates,
            _times,
            _quantities,
            _per_unit,
            _counted,
            _letters,
            _figures,
            _punctuation,
        ]
        for step in steps:
            text = step(text)
        return text


def read_aloud(text: str, abbreviations: Mapping[str, str] | None = None) -> str:
    """The text as it should be spoken; `abbreviations` extends and overrides the defaults."""
    return Reader(abbreviations).read(text)


_SYLLABLE_SPLIT = re.compile(rf"{L}+")


def syllable_count(reading: str) -> int:
    """Spoken syllables of a reading (each Vietnamese word is one; ki-lô-mét is three)."""
    return len(_SYLLABLE_SPLIT.findall(reading))
