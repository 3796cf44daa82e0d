"""Cell parsers for the bulk format; each raises a CellError whose message is the row error."""

from __future__ import annotations

import datetime as dt
from typing import Any

from content.text import clean_optional
from scheduler.errors import N_, Invalid


class CellError(Invalid):
    """A cell that does not hold what its column needs."""

    code = "bulk.cell"


def text(value: Any) -> str | None:
    """A one-line text (NFC, trimmed, no control characters) or None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_optional(str(value), field=N_("the cell"))


def multiline(value: Any) -> str | None:
    """A text that may hold line breaks (descriptions), cleaned like `text`."""
    if value is None:
        return None
    return clean_optional(str(value), field=N_("the cell"), multiline=True)


def date(value: Any) -> dt.date | None:
    """ISO (2026-11-23) or Vietnamese (23/11/2026) dates, or a spreadsheet date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise CellError(
        N_("'%(value)s' is not a date (use 2026-11-23 or 23/11/2026)"), code="bulk.date", value=s
    )


def time(value: Any) -> dt.time | None:
    """HH:MM local time."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    s = str(value).strip()
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).time()
        except ValueError:
            continue
    raise CellError(N_("'%(value)s' is not a time (use 06:00)"), code="bulk.time", value=s)


def datetime(value: Any) -> dt.datetime | None:
    """ISO timestamp with offset."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        stamp = value
    else:
        try:
            stamp = dt.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise CellError(
                N_("'%(value)s' is not a timestamp (use 2026-11-23T06:00:00+07:00)"),
                code="bulk.timestamp",
                value=str(value),
            ) from exc
    if stamp.tzinfo is None:
        raise CellError(
            N_("'%(value)s' needs a time zone offset (e.g. +07:00)"),
            code="bulk.timestamp",
            value=str(value),
        )
    return stamp


def integer(value: Any) -> int | None:
    """A whole number; also accepts mm:ss for durations."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(N_("'%(value)s' is not a number"), code="bulk.number", value=str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    s = str(value).strip()
    if ":" in s:
        parts = s.split(":")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return int(parts[0]) * 60 + int(parts[1])
    try:
        return int(s)
    except ValueError as exc:
        raise CellError(
            N_("'%(value)s' is not a whole number"), code="bulk.number", value=s
        ) from exc


def codes(value: Any) -> list[str]:
    """A list of codes from a JSON list or 'a, b' text."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def boolean(value: Any) -> bool | None:
    """true/false, yes/no, có/không, 1/0."""
    if value is None or isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("1", "true", "yes", "y", "có", "co", "x"):
        return True
    if s in ("0", "false", "no", "n", "không", "khong"):
        return False
    raise CellError(
        N_("'%(value)s' is not yes or no (có/không)"), code="bulk.boolean", value=str(value)
    )
