"""Errors of the content layer, shaped like scheduler.errors.LoaError (code, http_status).

content/ may not import scheduler/, so its refusals live here; the web and CLI treat both alike.
"""

from __future__ import annotations


class ContentError(ValueError):
    """Base of content errors; `code` is short and machine-readable."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


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
