"""Vietnamese text helpers for units: accent folding for search and unit-type prefixes."""

from __future__ import annotations

import re
import unicodedata

from content.errors import N_
from content.text import clean_text

# Type prefixes of full names, longest first so "Thành phố" wins over a shorter match.
UNIT_TYPES = (
    "Thành phố",
    "Thị trấn",
    "Đặc khu",
    "Thị xã",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)
_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def _fold_table() -> dict[int, str]:
    """Each precomposed Latin letter -> its base letter (ắ -> a, Đ -> D), for str.translate."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for cp in range(0xC0, 0x2000):
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(cp)) if not unicodedata.combining(c)
        )
        if base != chr(cp) and len(base) == 1:
            table[cp] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower-case, diacritics removed (đ -> d), spaces collapsed: the form used for search."""
    bare = unicodedata.normalize("NFC", text).translate(_FOLD)
    if not bare.isascii():  # stray combining marks left after composition
        bare = "".join(
            c for c in unicodedata.normalize("NFD", bare) if not unicodedata.combining(c)
        )
    return _SPACES.sub(" ", bare).strip().lower()


def fold_key(text: str) -> str:
    """Folded text without punctuation, for matching column headers and names loosely."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold(text))).strip()


def nfc(text: str) -> str:
    """NFC-normalised text with collapsed spaces (lists mix composed and decomposed forms)."""
    return _SPACES.sub(" ", clean_text(text, field=N_("name"), lenient=True)).strip()


def split_type(full_name: str) -> tuple[str | None, str]:
    """Split "Phường Phúc Xá" into ("Phường", "Phúc Xá"); (None, name) when no known prefix."""
    text = nfc(full_name)
    folded = fold(text)
    for unit_type, prefix in _FOLDED_TYPES:
        if folded.startswith(prefix):
            return unit_type, text[len(prefix) :].strip()
    return None, text


_FOLDED_TYPES = tuple((t, fold(t) + " ") for t in UNIT_TYPES)


def tidy_full_name(full_name: str) -> str:
    """Capitalise a lower-case type prefix (upstream quirk "xã Bắc Sơn" -> "Xã Bắc Sơn")."""
    text = nfc(full_name)
    unit_type, rest = split_type(text)
    if unit_type is not None and rest:
        return f"{unit_type} {rest}"
    return text[:1].upper() + text[1:]


def english_name(name: str) -> str:
    """Accent-free name, the English name when a list gives none ("Hà Nội" -> "Ha Noi")."""
    return unicodedata.normalize("NFC", name).translate(_FOLD)


# Vietnamese alphabetical order (f, j, w, z only occur in foreign names; placed as in English).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {c: i for i, c in enumerate(_ALPHABET)}
# A base letter and a non-tone mark make these letters (breve, circumflex, horn).
_COMPOSED = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}  # fmt: skip
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_WORDS = re.compile(r"\d+|[^\s\d]+")


def _word_key(word: str) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """(kind, letters, tones) of one decomposed lower-case word; numbers compare by value."""
    if word.isdigit():
        return (0, (int(word),), ())
    letters: list[int] = []
    tones: list[int] = []
    for ch in word:
        if unicodedata.combining(ch):
            if ch in _TONES and tones:
                tones[-1] = _TONES[ch]
            elif letters and letters[-1] >= 0:
                base = _ALPHABET[letters[-1]]
                letters[-1] = _RANK[_COMPOSED.get((base, ch), base)]
        elif ch in _RANK:
            letters.append(_RANK[ch])
            tones.append(0)
        else:
            letters.append(ord(ch) - 0x110000)  # punctuation, other scripts: before letters
    return (1, tuple(letters), tuple(tones))


def vi_sort_key(text: str) -> tuple[tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...], str]:
    """Sort key for Vietnamese names: word by word, letters (ă after a, đ after d), then tones.

    So "Xã An Bình" < "Xã Án" < "Xã Ân Thi" < "Xã Bắc Sơn", and "Xã 2" < "Xã 10", where a
    binary or English collation puts every name starting with Â, Đ or Ơ after Z.
    """
    words = _WORDS.findall(unicodedata.normalize("NFD", text.lower()))
    return tuple(_word_key(w) for w in words), text
