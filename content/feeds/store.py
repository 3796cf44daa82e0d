"""Feed sources and polling: fetch, parse, store new entries; one bad feed never stops the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import Message
from content.audit import record
from content.db import utcnow
from content.errors import N_, DuplicateContent, InvalidContent
from content.feeds.fetch import FeedFetchError, Fetched, FetchLimits, fetch
from content.feeds.parse import ParsedFeed, parse_feed
from content.media_models import FeedItem, FeedSource

Fetcher = Callable[[str, FetchLimits, str | None, str | None], Fetched]
_CHUNK = 500


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of one source gave."""

    source_id: int
    status: str  # ok | recovered | not_modified | error
    new_items: int
    message: Message | str | None = None  # a fetch refusal, or the feed parser's own words


def add_source(
    session: Session,
    url: str,
    actor: str,
    name: str | None = None,
    default_topic: str | None = None,
    poll_minutes: int = 60,
) -> FeedSource:
    """Register a feed; the same URL twice is refused."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://", "file://")):
        raise InvalidContent(
            N_("%(url)s: the address must start with http:// or https://"),
            code="feed.url",
            url=url,
        )
    if poll_minutes < 1:
        raise InvalidContent(
            N_("The poll interval must be at least 1 minute"), code="feed.poll_minutes"
        )
    if session.scalar(select(FeedSource).where(FeedSource.url == url)):
        raise DuplicateContent(
            N_("The feed %(url)s is already registered"), code="feed.duplicate", url=url
        )
    source = FeedSource(url=url, name=(name or url)[:200], default_topic=default_topic,
                        poll_minutes=poll_minutes, created_by=actor)  # fmt: skip
    session.add(source)
    session.flush()
    record(session, actor, "feed.add", "feed_source", source.id, after={"url": url})
    return source


def store_entries(session: Session, source: FeedSource, parsed: ParsedFeed) -> int:
    """Insert the entries this source has not seen before; return how many were new."""
    keys = [e.dedup_key for e in parsed.entries]
    known: set[str] = set()
    for i in range(0, len(keys), _CHUNK):
        known.update(
            session.scalars(
                select(FeedItem.dedup_key).where(
                    FeedItem.source_id == source.id, FeedItem.dedup_key.in_(keys[i : i + _CHUNK])
                )
            )
        )
    fresh = [e for e in parsed.entries if e.dedup_key not in known]
    now = utcnow()
    session.add_all(
        FeedItem(source_id=source.id, dedup_key=e.dedup_key, guid=e.guid, link=e.link,
                 title=e.title, text=e.text, published_at=e.published_at, fetched_at=now)
        for e in fresh
    )  # fmt: skip
    session.flush()
    return len(fresh)


def ingest_document(
    session: Session,
    source: FeedSource,
    body: bytes | str,
    zone: dt.tzinfo,
    headers: dict[str, str] | None = None,
) -> PollOutcome:
    """Parse and store one document for source, recording the outcome on it."""
    parsed = parse_feed(body, zone, headers)
    source.last_polled_at = utcnow()
    if not parsed.usable:
        source.last_status, source.last_error = "error", parsed.problem
        return PollOutcome(source.id, "error", 0, parsed.problem)
    new = store_entries(session, source, parsed)
    source.last_status = "recovered" if parsed.bozo else "ok"
    source.last_error = parsed.problem
    return PollOutcome(source.id, source.last_status, new, parsed.problem)


def poll_source(
    session: Session,
    source: FeedSource,
    limits: FetchLimits,
    zone: dt.tzinfo,
    fetcher: Fetcher | None = None,
) -> PollOutcome:
    """Fetch source (conditional GET) and ingest it; errors are recorded, not raised."""
    get = fetcher or (lambda url, lim, etag, mod: fetch(url, lim, etag, mod))
    try:
        got = get(source.url, limits, source.etag, source.last_modified)
    except FeedFetchError as exc:
        source.last_polled_at = utcnow()
        source.last_status, source.last_error = "error", str(exc)
        return PollOutcome(source.id, "error", 0, exc.message)
    if got.not_modified or got.body is None:
        source.last_polled_at = utcnow()
        source.last_status, source.last_error = "not_modified", None
        return PollOutcome(source.id, "not_modified", 0)
    outcome = ingest_document(session, source, got.body, zone, got.headers)
    source.etag, source.last_modified = got.etag, got.last_modified
    return outcome


def due_sources(session: Session, now: dt.datetime | None = None) -> list[FeedSource]:
    """Active sources whose poll interval has passed."""
    now = now or utcnow()
    sources = session.scalars(select(FeedSource).where(FeedSource.active).order_by(FeedSource.id))
    return [
        s
        for s in sources
        if s.last_polled_at is None
        or s.last_polled_at + dt.timedelta(minutes=s.poll_minutes) <= now
    ]


def poll_many(
    session: Session,
    sources: Iterable[FeedSource],
    limits: FetchLimits,
    zone: dt.tzinfo,
    fetcher: Fetcher | None = None,
) -> list[PollOutcome]:
    """Poll each source in its own savepoint: an unexpected failure of one is recorded, and the
    others go on."""
    outcomes = []
    for source in sources:
        try:
            with session.begin_nested():
                outcomes.append(poll_source(session, source, limits, zone, fetcher))
        except Exception as exc:  # noqa: BLE001 - one broken feed must not stop the others
            source.last_polled_at = utcnow()
            source.last_status, source.last_error = "error", f"{type(exc).__name__}: {exc}"
            outcomes.append(PollOutcome(source.id, "error", 0, source.last_error))
    session.flush()
    return outcomes
