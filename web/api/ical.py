"""iCalendar (RFC 5545) text: escaped values, folded content lines, UTC stamps."""

from __future__ import annotations

import datetime as dt


def text(value: str) -> str:
    """A TEXT value escaped (backslash, semicolon, comma, newline)."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for ch in line:
        b = ch.encode()
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode())
            chunk = b""
        chunk += b
    parts.append(chunk.decode())
    return "\r\n ".join(parts)


def stamp(t: dt.datetime) -> str:
    """A DATE-TIME in UTC form (19980119T070000Z)."""
    return t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def serialise(lines: list[str]) -> str:
    """Content lines as an iCalendar object: each folded, CRLF after each."""
    return "".join(fold(line) + "\r\n" for line in lines)
