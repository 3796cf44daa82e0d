"""Text to speech on the station's own machine: Vietnamese text -> WAV through a backend.

Backends: espeak-ng (Debian's `espeak-ng`, the default, Vietnamese voices vi, vi-vn-x-central,
vi-vn-x-south) and piper (PyPI `piper-tts`, an optional extra) with a voice model file the
operator supplies. Nothing is downloaded. Pure: the voice and speed come in as arguments.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import struct
import subprocess
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio.files import atomic_path
from audio.messages import N_, TranslatableError
from audio.reading import Reader, syllable_count

BACKENDS = ("espeak-ng", "piper")
ESPEAK_VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
# espeak-ng's rate at speed 1.0, in words a minute: for Vietnamese a word is a syllable, and
# 145 gives about 3.5 syllables a second, a clear pace for loudspeakers in the open air.
ESPEAK_WPM = 145
ESPEAK_MIN_WPM, ESPEAK_MAX_WPM = 80, 450
MIN_SPEED, MAX_SPEED = 0.5, 2.0
MAX_CHARACTERS = 100_000
# Pace used for length estimates before synthesis (syllables a second at speed 1.0) and the
# pauses sentence ends and commas add; measured on espeak-ng's vi voice at speed 1.0.
SYLLABLES_PER_SECOND = 3.9
SENTENCE_PAUSE_SECONDS = 0.4
COMMA_PAUSE_SECONDS = 0.15
_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)|\n")


class SpeechError(TranslatableError):
    """Speech could not be made: the text, the backend or the voice is not usable."""

    code = "speech.failed"
    http_status = 422


class SpeechUnavailable(SpeechError):
    """The backend's program or package is not installed, or the voice model is missing."""

    code = "speech.unavailable"
    http_status = 503


@dataclass(frozen=True)
class Voice:
    """Which backend speaks, with which voice, how fast (1.0 = the normal pace)."""

    backend: str = "espeak-ng"
    name: str = "vi"
    speed: float = 1.0
    piper_model: str = ""


@dataclass(frozen=True)
class Speech:
    """What was synthesized: the reading spoken, its syllables and the WAV's length."""

    path: str
    reading: str
    syllables: int
    duration_seconds: float
    sample_rate: int

    @property
    def syllables_per_second(self) -> float:
        """The spoken pace (2 to 6 is plausible speech)."""
        return self.syllables / self.duration_seconds if self.duration_seconds else 0.0


def estimate_seconds(reading: str, speed: float = 1.0) -> float:
    """How long a reading will last when spoken, before synthesizing it."""
    spoken = syllable_count(reading) / SYLLABLES_PER_SECOND
    pauses = len(_SENTENCE_END.findall(reading)) * SENTENCE_PAUSE_SECONDS
    pauses += reading.count(",") * COMMA_PAUSE_SECONDS
    return (spoken + pauses) / speed


def check_voice(voice: Voice) -> None:
    """Refuse an unknown backend, voice or speed before any work is done."""
    if voice.backend not in BACKENDS:
        raise SpeechError(
            N_("unknown speech backend %(backend)s (known: %(known)s)"),
            code="speech.backend",
            backend=voice.backend,
            known=", ".join(BACKENDS),
        )
    if voice.backend == "espeak-ng" and voice.name not in ESPEAK_VOICES:
        raise SpeechError(
            N_("unknown espeak-ng voice %(voice)s (Vietnamese voices: %(known)s)"),
            code="speech.voice",
            voice=voice.name,
            known=", ".join(ESPEAK_VOICES),
        )
    if not MIN_SPEED <= voice.speed <= MAX_SPEED:
        raise SpeechError(
            N_("the speech speed must be between %(low)s and %(high)s"),
            code="speech.speed",
            low=MIN_SPEED,
            high=MAX_SPEED,
        )


def speak(
    text: str,
    dest: str | Path,
    voice: Voice,
    abbreviations: Mapping[str, str] | None = None,
    reader: Reader | None = None,
) -> Speech:
    """Read `text` aloud into the WAV file dest (normalised first; empty text is refused)."""
    if len(text) > MAX_CHARACTERS:
        raise SpeechError(
            N_("the text is too long to read aloud (%(length)s characters, at most %(limit)s)"),
            code="speech.too_long",
            length=len(text),
            limit=MAX_CHARACTERS,
        )
    reading = (reader or Reader(abbreviations)).read(text)
    return synthesize(reading, dest, voice)


def synthesize(reading: str, dest: str | Path, voice: Voice) -> Speech:
    """Speak an already normalised reading into dest (WAV, written atomically)."""
    check_voice(voice)
    syllables = syllable_count(reading)
    if syllables == 0:
        raise SpeechError(N_("there is no text to read aloud"), code="speech.empty")
    dest = Path(dest)
    with atomic_path(dest, suffix=".wav") as tmp:
        if voice.backend == "piper":
            rate, frames = _piper(reading, tmp, voice)
        else:
            rate, frames = _espeak(reading, tmp, voice)
    if frames == 0:
        dest.unlink(missing_ok=True)
        raise SpeechError(N_("the speech backend produced no sound"), code="speech.silent")
    return Speech(str(dest), reading, syllables, frames / rate, rate)


# --- espeak-ng -------------------------------------------------------------------------------


@functools.cache
def espeak_path() -> str | None:
    """The espeak-ng program, or None when it is not installed."""
    return shutil.which("espeak-ng")


def _espeak(reading: str, out: Path, voice: Voice) -> tuple[int, int]:
    """espeak-ng writes WAV to stdout (no temporary file); the header is written again here,
    since a pipe cannot be rewound to fill in its sizes."""
    program = espeak_path()
    if program is None:
        raise SpeechUnavailable(
            N_("espeak-ng is not installed: install the Debian package %(package)s"),
            code="speech.espeak_missing",
            package="espeak-ng",
        )
    wpm = min(ESPEAK_MAX_WPM, max(ESPEAK_MIN_WPM, round(ESPEAK_WPM * voice.speed)))
    cmd = [program, "-v", voice.name, "-s", str(wpm), "-b", "1", "--stdout"]
    try:
        proc = subprocess.run(
            cmd,
            input=reading.encode("utf-8"),
            capture_output=True,
            timeout=60 + len(reading) / 100,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechError(N_("speech synthesis took too long"), code="speech.timeout") from exc
    if proc.returncode != 0:
        raise SpeechError(
            N_("espeak-ng failed: %(detail)s"),
            code="speech.espeak_failed",
            detail=proc.stderr.decode("utf-8", "replace").strip()[:300],
        )
    channels, rate, width, pcm = _streamed_wav(proc.stdout)
    _write_wav(out, channels, rate, width, pcm)
    return rate, len(pcm) // (channels * width)


def _streamed_wav(data: bytes) -> tuple[int, int, int, bytes]:
    """Channels, rate, sample width and samples of a WAV whose sizes were never filled in."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError(
            N_("the speech backend did not return WAV audio"), code="speech.bad_output"
        )
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if cid == b"fmt ":
            _tag, channels, rate, _brate, _align, bits = struct.unpack(
                "<HHIIHH", data[body : body + 16]
            )
            fmt = (channels, rate, bits // 8)
        elif cid == b"data" and fmt is not None:
            channels, rate, width = fmt
            pcm = data[body:]
            return channels, rate, width, pcm[: len(pcm) - len(pcm) % (channels * width)]
        pos = body + size + (size & 1)
    raise SpeechError(N_("the speech backend did not return WAV audio"), code="speech.bad_output")


def _write_wav(out: Path, channels: int, rate: int, width: int, pcm: bytes) -> None:
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(pcm)


# --- piper -----------------------------------------------------------------------------------


def _piper_module() -> Any:
    try:
        import piper
    except ImportError as exc:
        raise SpeechUnavailable(
            N_("the piper backend needs the Python package %(package)s (pip install 'loa[piper]')"),
            code="speech.piper_missing",
            package="piper-tts",
        ) from exc
    return piper


@functools.lru_cache(maxsize=2)
def _piper_voice(model: str, _stamp: float) -> Any:
    """A loaded piper voice, kept while its file is unchanged (loading takes about a second)."""
    return _piper_module().PiperVoice.load(model)


def _piper(reading: str, out: Path, voice: Voice) -> tuple[int, int]:
    """Synthesize with piper and the operator's voice model (.onnx with its .onnx.json)."""
    piper = _piper_module()
    model = Path(voice.piper_model) if voice.piper_model else None
    if model is None or not model.is_file() or not Path(f"{model}.json").is_file():
        raise SpeechUnavailable(
            N_("the piper voice model %(path)s (with its .onnx.json beside it) was not found"),
            code="speech.piper_model",
            path=str(model or ""),
        )
    loaded = _piper_voice(str(model.resolve()), os.stat(model).st_mtime)
    config = piper.SynthesisConfig(length_scale=1.0 / voice.speed)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        loaded.synthesize_wav(reading, wav, syn_config=config)
    buffer.seek(0)
    with wave.open(buffer, "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        pcm = wav.readframes(wav.getnframes())
    _write_wav(out, channels, rate, width, pcm)
    return rate, len(pcm) // (channels * width)
