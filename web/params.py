"""Numbers and weeks at the edge: one converter for ids and one for ISO weeks, pages and API alike.

Anything a request names (a path segment, a query or form field, a JSON member) is bounded here
before it reaches the database or the calendar: ids are 1..2^31-1 (the ids are INTEGER columns:
PostgreSQL refuses a larger value with an error, SQLite overflows past 2^63), weeks lie in a sane
window of years. A path that names an impossible id or week is simply not
found (404); a query, form or body value is refused with a catalogue message (422).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from werkzeug.routing import BaseConverter, ValidationError

from audio.messages import N_
from scheduler.errors import Invalid
from scheduler.periods import PeriodError, Week

ID_MAX = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100
JSON_DEPTH_MAX = 64


def _at_most(limit: int) -> str:
    """A regular expression of the whole numbers 1..limit written without leading zeros."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}"
    same = [digits]
    for i, d in enumerate(digits):
        low = "1" if i == 0 else "0"
        if int(d) > int(low):
            rest = len(digits) - i - 1
            same.append(f"{digits[:i]}[{low}-{int(d) - 1}][0-9]{{{rest}}}")
    return "(?:" + "|".join([shorter, *same]) + ")"


ID_PATTERN = _at_most(ID_MAX)
_ID = re.compile(ID_PATTERN)
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII digits only: str.isdigit() also takes "²"
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})")
# A JSON string (escapes included) or a bracket: what the depth check needs to see.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class InvalidParam(Invalid):
    """A number or week outside what Loa can name."""

    code = "param.invalid"


def to_id(raw: Any) -> int | None:
    """An id from text or a JSON number (1..ID_MAX), or None when it is no such id."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 1 <= raw <= ID_MAX else None
    if not isinstance(raw, str) or not _ID.fullmatch(raw.strip()):
        return None
    return int(raw.strip())


def to_int(raw: Any, low: int, high: int) -> int | None:
    """A whole number written in plain digits within low..high, or None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw.strip()):
        return None
    value = int(raw.strip())
    return value if low <= value <= high else None


def page_arg(name: str = "page") -> int:
    """The page number a list asks for (1..100000; anything else is the first page)."""
    return to_int(request.args.get(name), 1, 100_000) or 1


def parse_id(raw: Any, field: str) -> int:
    """An id, or a refusal naming the field (422)."""
    value = to_id(raw)
    if value is None:
        raise InvalidParam(
            N_("'%(field)s' must be a whole number from 1 to %(max)s"),
            code="param.id",
            field=field,
            max=ID_MAX,
        )
    return value


def query_id(name: str) -> int | None:
    """The query string's id `name` (None when absent or blank); 422 when it is no id."""
    raw = request.args.get(name)
    return parse_id(raw, name) if raw not in (None, "") else None


def form_id(name: str) -> int | None:
    """The form's id `name` (None when absent or blank); 422 when it is no id."""
    raw = request.form.get(name)
    return parse_id(raw, name) if raw not in (None, "") else None


def parse_week(raw: str) -> Week:
    """'2026-W48' as a Week, its year within FIRST_YEAR..LAST_YEAR; 422 otherwise."""
    m = _WEEK.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if m is None:
        raise PeriodError(
            N_("'%(text)s' is not an ISO week like 2026-W48"), code="period.week", text=raw
        )
    year = int(m.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(
            N_("Week %(text)s lies outside the years %(first)s to %(last)s"),
            code="period.week_year",
            text=raw,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return Week(year, int(m.group(2)))


def json_depth_ok(raw: bytes, limit: int = JSON_DEPTH_MAX) -> bool:
    """True when the JSON text nests at most `limit` levels (checked without recursion)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:  # too few brackets to nest deeper
        return True
    depth = 0
    for token in _JSON_TOKENS.finditer(raw):
        first = token.group()[:1]
        if first in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return False
        elif first in (b"]", b"}"):
            depth -= 1
    return True


def json_or_none() -> Any:
    """The request's JSON body, or None when it is not JSON, malformed or nested too deeply."""
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not json_depth_ok(raw):
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


class IdConverter(BaseConverter):
    """`<id:name>` in a route: 1..ID_MAX, anything else does not match (404)."""

    regex = ID_PATTERN
    part_isolating = True

    def to_python(self, value: str) -> int:
        """The id (the pattern admits no other)."""
        return int(value)

    def to_url(self, value: Any) -> str:
        """The id as written in a URL."""
        return str(int(value))


class WeekConverter(BaseConverter):
    """`<week:name>` in a route: an ISO week within the sane years, anything else not found."""

    regex = r"(?:20[0-9]{2}|2100)-W(?:0?[1-9]|[1-4][0-9]|5[0-3])"
    part_isolating = True

    def to_python(self, value: str) -> Week:
        """The week, or no match (404)."""
        try:
            return parse_week(value)
        except PeriodError:
            raise ValidationError() from None

    def to_url(self, value: Any) -> str:
        """The week as written in a URL."""
        return str(value)


def init_params(app: Flask) -> None:
    """Register the converters: routes write `<id:channel_id>` and `<week:week>`."""
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["week"] = WeekConverter
