"""Vietnamese number words as a native speaker reads them (mốt, lăm, tư, linh, nghìn, phẩy)."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu")
BILLION = 10**9
# Past this, a figure is not a quantity anyone reads out: it is read digit by digit.
MAX_READ = 10**18
ORDINALS = {1: "nhất", 4: "tư"}
MONTHS = {4: "tư"}


def _below_thousand(n: int, full: bool) -> list[str]:
    """0..999; `full` when a higher group precedes (so 5 reads "không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append("linh")
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(units, DIGITS[units]))
    return words


def _below_billion(n: int, full: bool) -> list[str]:
    """0..999,999,999 in groups of three: hundreds, nghìn, triệu (zero groups are skipped)."""
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value == 0:
            continue
        words += _below_thousand(value, full or bool(words))
        if GROUPS[index]:
            words.append(GROUPS[index])
    return words


def _words(n: int, full: bool = False) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        words = [*_words(high, full), "tỷ"]
        if low:
            words += _below_billion(low, True)
        return words
    return _below_billion(n, full)


def number_words(n: int) -> str:
    """A whole number as it is read: 105 "một trăm linh năm", 2021 "hai nghìn không trăm hai
    mươi mốt", 1,500,000 "một triệu năm trăm nghìn"; negative numbers read "âm"."""
    if n < 0:
        return f"âm {number_words(-n)}"
    if n == 0:
        return DIGITS[0]
    if n >= MAX_READ:
        return digit_words(str(n))
    return " ".join(_words(n))


def digit_words(digits: str) -> str:
    """Digit by digit (phone numbers, codes): "0912" -> "không chín một hai"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def fraction_words(digits: str) -> str:
    """The part after "phẩy": leading zeros one by one, then up to three digits as a number."""
    stripped = digits.lstrip("0")
    zeros = ["không"] * (len(digits) - len(stripped))
    if not stripped:
        return " ".join(zeros) or "không"
    rest = number_words(int(stripped)) if len(stripped) <= 3 else digit_words(stripped)
    return " ".join([*zeros, rest])


def decimal_words(whole: str, fraction: str | None) -> str:
    """A figure with an optional decimal part: ("1", "5") -> "một phẩy năm"."""
    whole = whole.lstrip("0") or "0"
    text = number_words(int(whole)) if len(whole) <= 18 else digit_words(whole)
    if fraction:
        text += " phẩy " + fraction_words(fraction)
    return text


def ordinal_words(n: int) -> str:
    """After "thứ": 1 "nhất", 4 "tư", otherwise the number (thứ hai, thứ mười)."""
    return ORDINALS.get(n) or number_words(n)


def month_words(n: int) -> str:
    """After "tháng": 4 reads "tư" (tháng tư), the rest as numbers (tháng một, tháng mười hai)."""
    return MONTHS.get(n) or number_words(n)


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """The value of an upper-case Roman numeral written the standard way, else None."""
    if not text or any(ch not in ROMAN for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = ROMAN[ch]
        if i + 1 < len(text) and ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if 0 < total < 4000 and to_roman(total) == text else None


def to_roman(n: int) -> str:
    """n (1..3999) as a standard Roman numeral, to check that a numeral is well formed."""
    table = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = []
    for value, numeral in table:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)
