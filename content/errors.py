"""Loa's error base (lowest layer that needs it) and the errors of the content layer.

LoaError lives here because content/ may not import scheduler/; scheduler.errors re-exports it,
so `except LoaError` in the web and CLI catches every domain refusal, content ones included.
"""

from __future__ import annotations


class LoaError(ValueError):
    """Base of Loa's domain errors; `code` is a short machine-readable string."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


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
