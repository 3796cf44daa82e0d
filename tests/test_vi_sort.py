"""Vietnamese alphabetical order for names shown in lists (heat map, station and area pickers)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from scheduler.units.text import vi_sort_key


def test_dictionary_order() -> None:
    expected = [
        "Đài truyền thanh xã Tân Lập",
        "Xã 2",
        "Xã 10",
        "Xã An Bình",
        "Xã Án",
        "Xã Anh",
        "Xã Ân Thi",
        "Xã Ần",
        "Xã Ẩn",
        "Xã Ẫn",
        "Xã Ấn",
        "Xã Ận",
        "Xã Bắc Sơn",
        "Xã Dương Kinh",
        "Xã Đông Hưng",
        "Xã Ô Môn",
        "Xã Ơn",
        "Xã Ưng Hòa",
        "Xã Yên Bình",
    ]
    assert sorted(reversed(expected), key=vi_sort_key) == expected


def test_letters_before_tones_and_case_insensitive() -> None:
    # Base letters decide first (ă after all of a's tones), then tones in dictionary order.
    assert sorted(["ă", "ạ", "á", "ã", "ả", "à", "a"], key=vi_sort_key) == [
        "a", "à", "ả", "ã", "á", "ạ", "ă"
    ]  # fmt: skip
    assert vi_sort_key("xã an bình")[0] == vi_sort_key("Xã An Bình")[0]


@given(st.text(alphabet="aăâdđeêoôơuưbx àáảãạ0123456789-", max_size=12))
def test_composed_and_decomposed_forms_sort_alike(name: str) -> None:
    nfd = unicodedata.normalize("NFD", name)
    nfc = unicodedata.normalize("NFC", name)
    assert vi_sort_key(nfd)[0] == vi_sort_key(nfc)[0]
