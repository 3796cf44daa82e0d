"""iCalendar (RFC 5545) text: escaped values, folded content lines, UTC stamps."""

from __future__ import annotations

import datetime as dt

from content.export_safe import ical_fold, ical_text


def text(value: str) -> str:
    """A TEXT value escaped: backslash, ';', ',', every line break (a bare CR too), no NUL or
    other control character (content.export_safe, shared by every export)."""
    return ical_text(value)


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    return ical_fold(line)


def stamp(t: dt.datetime) -> str:
    """A DATE-TIME in UTC form (19980119T070000Z)."""
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def serialise(lines: list[str]) -> str:
    """Content lines as an iCalendar object: each folded, CRLF after each."""
    return "".join(fold(line) + "\r\n" for line in lines)
