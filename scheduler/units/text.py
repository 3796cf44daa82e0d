"""Vietnamese text helpers for units: accent folding for search and unit-type prefixes."""

from __future__ import annotations

import re
import unicodedata

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
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


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
