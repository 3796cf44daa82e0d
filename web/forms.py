"""Form fields at the door: every text a page sends goes through content.text.clean_text."""

from __future__ import annotations

from flask import request

from content.text import clean_optional, clean_text


def text(key: str, field: str, *, multiline: bool = False) -> str:
    """The form's text `key`: NFC, trimmed, no control characters ("" when absent)."""
    return clean_text(request.form.get(key, ""), field=field, multiline=multiline)


def optional(key: str, field: str, *, multiline: bool = False) -> str | None:
    """The form's text `key`, or None when absent or blank."""
    return clean_optional(request.form.get(key), field=field, multiline=multiline)


def query(key: str, field: str) -> str:
    """A query-string text (a search box): cleaned like a form field ("" when absent)."""
    return clean_text(request.args.get(key, ""), field=field)
