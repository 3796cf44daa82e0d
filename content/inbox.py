"""The feed item inbox: a planner turns an item into a programme draft or dismisses it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.audit import record
from content.db import utcnow
from content.errors import N_, ContentError, ContentNotFound, InvalidContent
from content.media_models import FeedItem
from content.models import Programme, ProgrammeTopic

# Reading pace on air, in words per second (Vietnamese news is read at ~150 words a minute).
WORDS_PER_SECOND = 2.5
MIN_DRAFT_SECONDS = 30


class AlreadyDecided(ContentError):
    """The item was already drafted or dismissed."""

    code = "invalid_state"
    http_status = 409


def list_items(
    session: Session, status: str = "new", source_id: int | None = None, limit: int = 100
) -> list[FeedItem]:
    """Items in the inbox, newest first."""
    q = select(FeedItem).where(FeedItem.status == status)
    if source_id is not None:
        q = q.where(FeedItem.source_id == source_id)
    q = q.order_by(FeedItem.published_at.desc().nulls_last(), FeedItem.id.desc()).limit(limit)
    return list(session.scalars(q))


def _open_item(session: Session, item_id: int) -> FeedItem:
    item = session.get(FeedItem, item_id)
    if item is None:
        raise ContentNotFound(
            N_("There is no feed item #%(item)s"), code="feed_item.not_found", item=item_id
        )
    if item.status != "new":
        raise AlreadyDecided(
            N_("Feed item #%(item)s was already handled (%(status)s)"),
            code="invalid_state",
            item=item_id,
            status=item.status,
        )
    return item


def draft_programme(
    session: Session,
    item_id: int,
    actor: str,
    topic: str | None = None,
    programme_type: str = "tin",
    language: str = "vi",
    title: str | None = None,
) -> Programme:
    """Create an unapproved programme from the item: title, script text, topic, read-out time."""
    item = _open_item(session, item_id)
    topic = topic or item.source.default_topic
    if not topic:
        raise InvalidContent(
            N_("Choose a topic: the feed has no default topic"), code="feed_item.topic"
        )
    words = len(item.text.split()) + len(item.title.split())
    programme = Programme(
        title=(title or item.title)[:300],
        programme_type=programme_type,
        language=language,
        duration_seconds=max(MIN_DRAFT_SECONDS, round(words / WORDS_PER_SECOND)),
        description=item.text,
        producer=item.source.name[:200],
        created_by=actor,
        topic_links=[ProgrammeTopic(topic=topic)],
    )
    session.add(programme)
    session.flush()
    item.status, item.programme_id = "drafted", programme.id
    item.decided_by, item.decided_at = actor, utcnow()
    record(session, actor, "feed_item.draft", "feed_item", item.id,
           after={"programme_id": programme.id, "topic": topic})  # fmt: skip
    return programme


def dismiss(session: Session, item_id: int, actor: str) -> FeedItem:
    """Take the item out of the inbox without making a programme."""
    item = _open_item(session, item_id)
    item.status, item.decided_by, item.decided_at = "dismissed", actor, utcnow()
    session.flush()
    record(session, actor, "feed_item.dismiss", "feed_item", item.id)
    return item
