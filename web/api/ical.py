"""iCalendar (RFC 5545) text: escaped values, folded content lines, UTC stamps."""

from __future__ import annotations

import datetime as dt

from content.export_safe import ical_fold, ical_text

# Values escaped (no bare CR, no NUL) and lines folded by the one export-safety module.
text = ical_text
fold = ical_fold


def stamp(t: dt.datetime) -> str:
    """A DATE-TIME in UTC form (19980119T070000Z)."""
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def serialise(lines: list[str]) -> str:
    """Content lines as an iCalendar object: each folded, CRLF after each."""
    return "".join(fold(line) + "\r\n" for line in lines)
