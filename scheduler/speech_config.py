"""The [speech] section of config.toml: backend, voice, speed, piper model, abbreviations."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from audio.messages import N_, Message
from audio.reading import DEFAULT_ABBREVIATIONS
from audio.speech import ESPEAK_VOICES, MAX_CHARACTERS, MAX_SPEED, MIN_SPEED
from content.text import InvalidText, clean_text

MAX_KEY_LENGTH = 40
MAX_READING_LENGTH = 200


@dataclass(frozen=True)
class SpeechSettings:
    """Text to speech (issue 15): which backend and voice, how fast, and how to read
    abbreviations (config entries extend and override the built-in table)."""

    backend: Literal["espeak-ng", "piper"] = "espeak-ng"
    voice: str = "vi"
    speed: float = 1.0
    piper_model: str = ""
    max_characters: int = 20_000
    abbreviations: dict[str, str] = field(default_factory=dict)

    def table(self) -> dict[str, str]:
        """The abbreviations in force: the built-in ones, then config.toml's."""
        return {**DEFAULT_ABBREVIATIONS, **self.abbreviations}


class SpeechProblem(ValueError):
    """One unusable [speech] value: the key and a catalogue message saying why."""

    def __init__(self, key: str, message: Message) -> None:
        super().__init__(f"key '{key}': {message}")
        self.key = key
        self.message = message


def _problem(key: str, msgid: str, **params: object) -> SpeechProblem:
    return SpeechProblem(key, Message(msgid, params))


def checked_speech(speech: SpeechSettings, base_dir: str) -> SpeechSettings:
    """The section with its abbreviations cleaned (NFC), or SpeechProblem for the first bad key."""
    if speech.backend == "espeak-ng" and speech.voice not in ESPEAK_VOICES:
        raise _problem("speech.voice", N_("must be one of %(known)s"), known=list(ESPEAK_VOICES))
    if not MIN_SPEED <= speech.speed <= MAX_SPEED:
        raise _problem(
            "speech.speed", N_("must be between %(low)s and %(high)s"), low=MIN_SPEED,
            high=MAX_SPEED,
        )  # fmt: skip
    if not 100 <= speech.max_characters <= MAX_CHARACTERS:
        raise _problem(
            "speech.max_characters", N_("must be between %(low)s and %(high)s"), low=100,
            high=MAX_CHARACTERS,
        )  # fmt: skip
    if speech.backend == "piper":
        _check_piper_model(speech.piper_model, base_dir)
    return dataclasses.replace(speech, abbreviations=_clean_table(speech.abbreviations))


def _check_piper_model(value: str, base_dir: str) -> None:
    if not value:
        raise _problem(
            "speech.piper_model", N_("is needed with the piper backend (the voice's .onnx file)")
        )
    path = Path(value) if Path(value).is_absolute() else Path(base_dir) / value
    if path.suffix != ".onnx" or not path.is_file() or not Path(f"{path}.json").is_file():
        raise _problem(
            "speech.piper_model",
            N_("%(path)s is not a piper voice (an .onnx file with its .onnx.json beside it)"),
            path=str(path),
        )


def _clean_table(table: dict[str, str]) -> dict[str, str]:
    """Keys and readings at the door: NFC, no control characters; keys one word."""
    cleaned: dict[str, str] = {}
    for raw_key, raw_value in table.items():
        key_name = f"speech.abbreviations.{raw_key}"
        try:
            key = clean_text(raw_key, field=N_("abbreviation"))
            value = clean_text(raw_value, field=N_("reading"))
        except InvalidText as exc:
            raise SpeechProblem(key_name, exc.message) from exc
        if not key or len(key) > MAX_KEY_LENGTH or any(ch.isspace() for ch in key):
            raise _problem(
                key_name, N_("an abbreviation is one word of at most %(limit)s characters"),
                limit=MAX_KEY_LENGTH,
            )  # fmt: skip
        if not value or len(value) > MAX_READING_LENGTH:
            raise _problem(
                key_name, N_("the reading must have 1 to %(limit)s characters"),
                limit=MAX_READING_LENGTH,
            )  # fmt: skip
        cleaned[key] = value
    return cleaned
