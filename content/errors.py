"""Loa's domain error base and the errors of the content layer.

LoaError lives here because content/ may not import scheduler/; scheduler.errors re-exports it,
so `except LoaError` in the web and CLI catches every domain refusal, content ones included.
A LoaError carries a catalogue message (English id + named parameters, audio.messages) and a
precise code; the edge renders it in the reader's language.
"""

from __future__ import annotations

from audio.messages import N_, TranslatableError

__all__ = [
    "N_",
    "ContentError",
    "ContentNotFound",
    "DuplicateContent",
    "InvalidContent",
    "LoaError",
]


class LoaError(TranslatableError):
    """Base of Loa's domain errors: `LoaError(N_("..."), code="x.y", name=value)`."""


class ContentError(LoaError):
    """Base of content errors (audio files, assets, feeds)."""


class ContentNotFound(ContentError):
    """The asset, feed or item asked for does not exist."""

    code = "not_found"
    http_status = 404


class DuplicateContent(ContentError):
    """The same file or feed is already in the library."""

    code = "duplicate"
    http_status = 409


class InvalidContent(ContentError):
    """The file or value is well-formed but cannot be used."""

    code = "invalid"
    http_status = 422
