"""Settings -> speech arguments: the voice, the reader of abbreviations, the speech setup."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from audio.messages import N_, Message, TranslatableError
from audio.reading import Reader
from audio.speech import Voice, speak
from content.speech import ProgrammeFields, SpeechSetup
from scheduler.config import Settings
from scheduler.errors import Invalid
from scheduler.media import media_root


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


def speech_setup(settings: Settings) -> SpeechSetup:
    """Everything content.speech needs to make a programme from text."""
    return SpeechSetup(
        voice=voice(settings),
        reader=reader(settings),
        media_root=media_root(settings),
        rendition=settings.audio,
        max_characters=settings.speech.max_characters,
    )


def check_fields(settings: Settings, fields: ProgrammeFields) -> None:
    """Refuse a topic, type or language the configuration does not know."""
    checks = (
        (fields.topics, settings.topics, N_("topic")),
        ((fields.programme_type,), settings.programme_types, N_("programme type")),
        ((fields.language,), settings.languages, N_("language")),
    )
    for codes, known, what in checks:
        for code in codes:
            if code not in known:
                raise Invalid(
                    N_("unknown %(what)s %(value)s (known: %(known)s)"),
                    code="programme.vocabulary",
                    what=Message(what),
                    value=code,
                    known=", ".join(sorted(known)),
                )
    if not fields.topics:
        raise Invalid(N_("choose at least one topic"), code="programme.topics")


def check_speech(settings: Settings) -> tuple[bool, str]:
    """Can this machine read text aloud with [speech]? (for `loa check`): ok and what was found."""
    chosen = voice(settings)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            spoken = speak("Xin chào bà con.", Path(tmp) / "check.wav", chosen)
        except TranslatableError as exc:
            return False, str(exc)
    name = Path(chosen.piper_model).name if chosen.backend == "piper" else chosen.name
    return True, f"{chosen.backend} {name}: {spoken.duration_seconds:.1f} s for a greeting"
