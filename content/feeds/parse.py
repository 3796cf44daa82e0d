"""Parse a feed document with feedparser into deduplicated plain-text entries."""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

import feedparser

from content.errors import N_
from content.feeds.text import html_to_text, tidy
from content.text import clean_optional, clean_text

# A date string that names its zone (Z, +07:00, GMT, EST...); without one it is local time.
_HAS_ZONE = re.compile(r"(?:Z|[+-]\d\d:?\d\d|\b(?:GMT|UTC|UT|[A-Z]{2,4}))\s*$", re.I)
TITLE_MAX = 500
# Stored as the title of an entry that has none: stored data is in the library's language.
UNTITLED = "(không có tiêu đề)"


@dataclass(frozen=True)
class EntryData:
    """One feed entry ready to store."""

    dedup_key: str
    guid: str | None
    link: str | None
    title: str
    text: str
    published_at: dt.datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    """The entries of one document and whether feedparser had to recover from errors."""

    title: str
    entries: list[EntryData]
    bozo: bool
    problem: str | None

    @property
    def usable(self) -> bool:
        """False when the document was broken and nothing could be recovered from it."""
        return not self.bozo or bool(self.entries) or bool(self.title)


def parse_feed(
    body: bytes | str, zone: dt.tzinfo, headers: dict[str, str] | None = None
) -> ParsedFeed:
    """Parse body (feedparser, never raising on bad input) into deduplicated entries."""
    d = feedparser.parse(
        body, response_headers=headers or {}, sanitize_html=False, resolve_relative_uris=False
    )
    seen: set[str] = set()
    entries: list[EntryData] = []
    for entry in d.entries:
        item = entry_data(entry, zone)
        if item is not None and item.dedup_key not in seen:
            seen.add(item.dedup_key)
            entries.append(item)
    problem = None
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"
    feed_title = _text(d.feed, "title") if d.get("feed") else ""
    feed_title = clean_text(feed_title, field=N_("feed title"), lenient=True)
    return ParsedFeed(feed_title, entries, bool(d.get("bozo")), problem)


def _text(obj: Any, key: str) -> str:
    """Plain text of a feedparser text construct, by its declared type."""
    value = obj.get(key) or ""
    detail = obj.get(f"{key}_detail") or {}
    if "html" in (detail.get("type") or "text/html"):
        return html_to_text(value)
    return tidy(value)


def _body(entry: Any) -> str:
    """The longest of the entry's content and summary, as plain text."""
    candidates = [c for c in entry.get("content") or [] if c.get("value")]
    texts = [
        html_to_text(c["value"]) if "html" in (c.get("type") or "text/html") else tidy(c["value"])
        for c in candidates
    ]
    texts.append(_text(entry, "summary"))
    return max(texts, key=len)


def entry_datetime(entry: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """The entry's date, aware: UTC as parsed, or local wall time when the string had no zone."""
    for key in ("published", "updated", "created"):
        parsed: time.struct_time | None = entry.get(f"{key}_parsed")
        raw = entry.get(key) or ""
        if not parsed:
            if raw and (found := _parse_loose(raw, zone)) is not None:
                return found
            continue
        try:
            if raw and not _HAS_ZONE.search(raw.strip()):
                return dt.datetime(*parsed[:6], tzinfo=zone).astimezone(dt.UTC)
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
        except (ValueError, OverflowError):
            continue
    return None


def _parse_loose(raw: str, zone: dt.tzinfo) -> dt.datetime | None:
    """Dates feedparser gave up on (e.g. RFC 822 without a zone): a missing zone means local."""
    raw = raw.strip()
    try:
        parts = email.utils.parsedate_tz(raw)
    except (TypeError, ValueError, IndexError):
        parts = None
    try:
        if parts is not None:
            naive = dt.datetime(*parts[:6])
            if parts[9] is None or not _HAS_ZONE.search(raw):
                return naive.replace(tzinfo=zone).astimezone(dt.UTC)
            return (naive - dt.timedelta(seconds=parts[9])).replace(tzinfo=dt.UTC)
        value = dt.datetime.fromisoformat(raw)
    except (ValueError, OverflowError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def entry_data(entry: Any, zone: dt.tzinfo) -> EntryData | None:
    """One entry as plain data, keyed by guid, else link, else title and date."""
    guid = clean_optional(entry.get("id") or "", field=N_("feed entry id"), lenient=True)
    link = clean_optional(entry.get("link") or "", field=N_("feed entry link"), lenient=True)
    title = clean_text(_text(entry, "title"), field=N_("feed entry title"), lenient=True)
    text = clean_text(_body(entry), field=N_("feed entry text"), multiline=True, lenient=True)
    published = entry_datetime(entry, zone)
    if guid:
        key = f"guid:{guid}"
    elif link:
        key = f"link:{link}"
    elif title or text:
        key = f"title:{title}|{published.isoformat() if published else ''}|{text[:200]}"
    else:
        return None
    return EntryData(
        dedup_key=hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest(),
        guid=guid[:1000] if guid else None,
        link=link[:2000] if link else None,
        title=(title or text[:120] or UNTITLED)[:TITLE_MAX],
        text=text,
        published_at=published,
    )
