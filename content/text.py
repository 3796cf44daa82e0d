"""Text at the door: every text that enters Loa is NFC, free of control characters, trimmed.

One helper, called at each entry point (forms, API bodies, imports, feeds, CLI arguments,
config), so that the same Vietnamese title always compares, searches and renders the same.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from audio.messages import Message
from content.errors import N_, InvalidContent

# Invisible characters that reorder text (bidirectional overrides and isolates): spoofing only.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# No real word needs more marks on one letter once composed (Vietnamese needs none after NFC;
# the minority-language orthographies at most two).
MAX_MARKS_PER_LETTER = 3
_NEWLINES = re.compile(r"\r\n?")


class InvalidText(InvalidContent):
    """A text that cannot be stored as it is (control characters, broken Unicode, mark piles)."""

    code = "text.invalid"


def _field(field: str | Message) -> Message:
    return field if isinstance(field, Message) else Message(field)


def clean_text(
    value: Any, *, field: str | Message, multiline: bool = False, lenient: bool = False
) -> str:
    """`value` as stored: NFC, trimmed; control characters refused (newline and tab if multiline).

    `field` names the input in messages (an English id marked with N_, or a Message).
    `lenient` is for third-party text no one can correct (feed entries): what would be refused
    is dropped instead (control characters, extra marks; a lone surrogate becomes '?').
    """
    if lenient and isinstance(value, str):
        value = _scrub(value, multiline)
    if not isinstance(value, str):
        raise InvalidText(N_("%(field)s must be text"), code="text.type", field=_field(field))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidText(
            N_("%(field)s holds broken Unicode (a lone surrogate)"),
            code="text.surrogate",
            field=_field(field),
        ) from exc
    text = unicodedata.normalize("NFC", _NEWLINES.sub("\n", value) if multiline else value).strip()
    allowed = "\n\t" if multiline else ""
    for ch in text:
        if (unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in _BIDI_CONTROLS:
            raise InvalidText(
                N_("%(field)s holds a control character (U+%(codepoint)s), which cannot be stored"),
                code="text.control",
                field=_field(field),
                codepoint=f"{ord(ch):04X}",
            )
    _check_marks(text, field)
    return text


def _scrub(value: str, multiline: bool) -> str:
    """What clean_text would refuse, removed: whitespace controls become spaces, others go."""
    value = value.encode("utf-8", "replace").decode("utf-8") if not _encodes(value) else value
    value = unicodedata.normalize("NFC", _NEWLINES.sub("\n", value))
    keep = "\n\t" if multiline else ""
    out: list[str] = []
    run = 0
    for ch in value:
        if ch in _BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in keep):
            if ch.isspace():
                out.append(" ")
            continue
        run = run + 1 if unicodedata.combining(ch) else 0
        if run <= MAX_MARKS_PER_LETTER:
            out.append(ch)
    return "".join(out)


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_marks(text: str, field: str | Message) -> None:
    run = 0
    for ch in text:
        if unicodedata.combining(ch):
            run += 1
            if run > MAX_MARKS_PER_LETTER:
                raise InvalidText(
                    N_("%(field)s has more than %(limit)s accent marks on one letter"),
                    code="text.marks",
                    field=_field(field),
                    limit=MAX_MARKS_PER_LETTER,
                )
        else:
            run = 0


def clean_optional(
    value: Any, *, field: str | Message, multiline: bool = False, lenient: bool = False
) -> str | None:
    """clean_text for an optional input: None and blank text give None."""
    if value is None:
        return None
    text = clean_text(value, field=field, multiline=multiline, lenient=lenient)
    return text or None
