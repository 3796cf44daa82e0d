"""Settings -> speech arguments: the voice to synthesize with and the reader of abbreviations."""

from __future__ import annotations

import functools

from audio.reading import Reader
from audio.speech import Voice
from scheduler.config import Settings


def voice(settings: Settings) -> Voice:
    """The voice [speech] describes (a relative piper model path is the config file's)."""
    s = settings.speech
    model = str(settings.resolve_path(s.piper_model)) if s.piper_model else ""
    return Voice(backend=s.backend, name=s.voice, speed=s.speed, piper_model=model)


@functools.lru_cache(maxsize=8)
def _reader(table: tuple[tuple[str, str], ...]) -> Reader:
    return Reader(dict(table))


def reader(settings: Settings) -> Reader:
    """The reader with [speech.abbreviations] over the built-in table (built once per table)."""
    return _reader(tuple(sorted(settings.speech.abbreviations.items())))
