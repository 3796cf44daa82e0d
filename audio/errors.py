"""Typed audio errors: each names, as a catalogue message, why a file was refused."""

from __future__ import annotations

from typing import ClassVar

from audio.messages import N_, Message, TranslatableError


class AudioError(TranslatableError):
    """Base of every audio refusal; `code` is a short machine-readable reason.

    `detail` (a catalogue message, or a tool's own English output) says what exactly was found.
    """

    code = "audio_error"
    http_status = 422
    summary: ClassVar[str] = N_("The audio file cannot be used")

    def __init__(self, detail: Message | str = "") -> None:
        self.detail = detail
        if detail:
            super().__init__(
                N_("%(problem)s: %(detail)s"), problem=Message(self.summary), detail=detail
            )
        else:
            super().__init__(self.summary)


class Unreadable(AudioError):
    """No decoder can read the file (not audio, damaged header, unknown format)."""

    code = "unreadable"
    summary = N_("The audio file cannot be read")


class Truncated(AudioError):
    """The file ends before the audio its header announces."""

    code = "truncated"
    summary = N_("The audio file is truncated")


class InvalidHeader(AudioError):
    """The header contradicts itself (sizes, channels and sample widths do not agree)."""

    code = "invalid_header"
    summary = N_("The header of the audio file is invalid")


class EmptyAudio(AudioError):
    """The file holds no audio samples at all."""

    code = "empty"
    summary = N_("The file holds no audio")


class SilentAudio(AudioError):
    """The audio is silent or almost all silence."""

    code = "silent"
    summary = N_("The audio is silent, or almost all silence")


class ToolMissing(AudioError):
    """No ffmpeg binary is available (neither the bundled one nor a system one)."""

    code = "ffmpeg_missing"
    summary = N_(
        "ffmpeg was not found (install it: pip install imageio-ffmpeg or apt-get install ffmpeg)"
    )


class ProcessingFailed(AudioError):
    """ffmpeg failed while converting or measuring a file that had passed validation."""

    code = "processing_failed"
    summary = N_("Audio processing failed")
