"""Settings -> audio/content arguments: media folder, jingles, feed polling."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from content.feeds.fetch import FetchLimits
from content.feeds.store import PollOutcome, due_sources, poll_many
from scheduler.config import Settings


def media_root(settings: Settings) -> Path:
    """The media folder ([media].folder, relative to the config file)."""
    return settings.resolve_path(settings.media.folder)


def jingle(settings: Settings, which: str) -> Path | None:
    """The configured intro or outro jingle, or None."""
    value = settings.audio.intro_jingle if which == "intro" else settings.audio.outro_jingle
    return settings.resolve_path(value) if value else None


def fetch_limits(settings: Settings) -> FetchLimits:
    """The [feeds] limits as the fetcher wants them."""
    f = settings.feeds
    return FetchLimits(f.timeout_seconds, f.max_bytes, f.user_agent)


def poll_due_feeds(session: Session, settings: Settings) -> list[PollOutcome]:
    """Poll every feed whose interval has passed (entry point for the worker's job)."""
    return poll_many(session, due_sources(session), fetch_limits(settings), settings.zone)
