"""The compiled message catalogues, usable without Flask (CLI, station agent, worker notices)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from audio.messages import Message, TranslatableError, install_catalogues

LANGUAGES = ("vi", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue of a language (English ids: a missing one reads as English)."""
    return Translations.load(str(TRANSLATIONS), [language])


def render_in(message: Message | TranslatableError, language: str) -> str:
    """A domain message or error in a given language, outside any request."""
    return message.render(catalogue(language).gettext, language)


# The lower layers render stored texts (worker notices) with these catalogues too.
install_catalogues(lambda language: catalogue(language).gettext)
