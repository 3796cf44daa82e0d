"""Vietnamese text normalised for reading aloud (pure: tables come in as arguments)."""

from audio.reading.normalise import Reader, figure_words, read_aloud, syllable_count
from audio.reading.numbers import number_words
from audio.reading.words import DEFAULT_ABBREVIATIONS

__all__ = [
    "DEFAULT_ABBREVIATIONS",
    "Reader",
    "figure_words",
    "number_words",
    "read_aloud",
    "syllable_count",
]
