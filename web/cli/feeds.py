"""`loa feeds ...`: register feeds, poll them, and work the inbox of feed items."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.errors import ContentError
from content.feeds.store import add_source, due_sources, ingest_document, poll_many
from content.inbox import dismiss, draft_programme, list_items
from content.media_models import FeedSource
from scheduler.media import fetch_limits
from web.cli.context import LoaContext, fail, pass_loa


@click.group("feeds")
def feeds_group() -> None:
    """Nguồn tin RSS / RSS and Atom feeds and their inbox."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--name", help="Display name (default: the URL).")
@click.option("--topic", help="Default topic code for drafts made from this feed.")
@click.option("--every", "minutes", type=int, help="Poll interval in minutes (default [feeds]).")
@click.option("--user", "actor", default="cli", show_default=True)
@pass_loa
def add(
    loa: LoaContext, url: str, name: str | None, topic: str | None, minutes: int | None, actor: str
) -> None:
    """Thêm nguồn tin / Register the feed at URL."""
    if topic and topic not in loa.settings.topics:
        raise fail(f"chủ đề '{topic}' không hợp lệ / unknown topic '{topic}'")
    try:
        with loa.session() as session:
            source = add_source(session, url, actor, name, topic,
                                minutes or loa.settings.feeds.default_poll_minutes)  # fmt: skip
    except ContentError as exc:
        raise fail(str(exc)) from exc
    click.echo(f"feed #{source.id} added: {source.name} (every {source.poll_minutes} min)")


@feeds_group.command("list")
@pass_loa
def list_command(loa: LoaContext) -> None:
    """Danh sách nguồn tin / The feeds and how their last poll went."""
    with loa.session() as session:
        for s in session.scalars(select(FeedSource).order_by(FeedSource.id)):
            when = s.last_polled_at.astimezone(loa.settings.zone) if s.last_polled_at else None
            click.echo(f"#{s.id} {s.name} <{s.url}> every {s.poll_minutes} min; last "
                       f"{when:%Y-%m-%d %H:%M} {s.last_status}" if when else
                       f"#{s.id} {s.name} <{s.url}> never polled")  # fmt: skip


@feeds_group.command("poll")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Ingest a saved feed document instead of fetching.")  # fmt: skip
@click.option("--source", "source_id", type=int, help="Feed id (with --file: whose items).")
@click.option("--all", "poll_all", is_flag=True, help="Poll every active feed, due or not.")
@pass_loa
def poll(loa: LoaContext, file: Path | None, source_id: int | None, poll_all: bool) -> None:
    """Lấy tin / Poll the feeds that are due (or one, or all); one failure never stops the rest."""
    settings = loa.settings
    with loa.session() as session:
        if file is not None:
            if not file.is_file():
                raise fail(f"{file}: không có tệp / no such file")
            source = _file_source(session, file, source_id)
            outcomes = [ingest_document(session, source, file.read_bytes(), settings.zone)]
        else:
            if source_id is not None:
                one = session.get(FeedSource, source_id)
                if one is None:
                    raise fail(f"không có nguồn tin #{source_id} / no feed #{source_id}")
                sources = [one]
            elif poll_all:
                sources = list(session.scalars(select(FeedSource).where(FeedSource.active)))
            else:
                sources = due_sources(session)
            outcomes = poll_many(session, sources, fetch_limits(settings), settings.zone)
    failed = 0
    for o in outcomes:
        extra = f" ({o.message})" if o.message else ""
        click.echo(f"feed #{o.source_id}: {o.status}, {o.new_items} new{extra}")
        failed += o.status == "error"
    click.echo(f"{len(outcomes)} feed(s) polled, {failed} failed")
    if outcomes and failed == len(outcomes):
        raise fail("không đọc được nguồn tin nào / no feed could be read")


def _file_source(session: Session, file: Path, source_id: int | None) -> FeedSource:
    """The source a local file's items belong to (given, or one keyed by the file's URI)."""
    if source_id is not None:
        source = session.get(FeedSource, source_id)
        if source is None:
            raise fail(f"không có nguồn tin #{source_id} / no feed #{source_id}")
        return source
    uri = file.resolve().as_uri()
    found = session.scalar(select(FeedSource).where(FeedSource.url == uri))
    return found or add_source(session, uri, "cli", name=file.name)


@feeds_group.command("inbox")
@click.option("--status", type=click.Choice(["new", "drafted", "dismissed"]), default="new")
@click.option("--limit", type=int, default=50, show_default=True)
@pass_loa
def inbox(loa: LoaContext, status: str, limit: int) -> None:
    """Hộp tin / Feed items waiting for a decision (newest first, local dates)."""
    with loa.session() as session:
        for item in list_items(session, status, limit=limit):
            when = item.published_at.astimezone(loa.settings.zone) if item.published_at else None
            stamp = f"{when:%Y-%m-%d %H:%M}" if when else "----------------"
            click.echo(f"#{item.id} {stamp} {item.title}")


@feeds_group.command("draft")
@click.argument("item_id", type=int)
@click.option("--topic", help="Topic code (default: the feed's).")
@click.option("--type", "programme_type", default="tin", show_default=True)
@click.option("--language", default="vi", show_default=True)
@click.option("--title", help="Programme title (default: the item's).")
@click.option("--user", "actor", default="cli", show_default=True)
@pass_loa
def draft(loa: LoaContext, item_id: int, topic: str | None, programme_type: str,
          language: str, title: str | None, actor: str) -> None:  # fmt: skip
    """Soạn chương trình từ tin / Turn a feed item into a programme draft."""
    s = loa.settings
    if topic and topic not in s.topics:
        raise fail(f"chủ đề '{topic}' không hợp lệ / unknown topic '{topic}'")
    if programme_type not in s.programme_types or language not in s.languages:
        raise fail(
            "loại chương trình hoặc ngôn ngữ không hợp lệ / unknown programme type or language"
        )
    try:
        with loa.session() as session:
            p = draft_programme(session, item_id, actor, topic, programme_type, language, title)
    except ContentError as exc:
        raise fail(str(exc)) from exc
    click.echo(f"programme draft #{p.id}: {p.title} (~{p.duration_seconds} s to read)")


@feeds_group.command("dismiss")
@click.argument("item_id", type=int)
@click.option("--user", "actor", default="cli", show_default=True)
@pass_loa
def dismiss_command(loa: LoaContext, item_id: int, actor: str) -> None:
    """Bỏ qua tin / Dismiss a feed item."""
    try:
        with loa.session() as session:
            dismiss(session, item_id, actor)
    except ContentError as exc:
        raise fail(str(exc)) from exc
    click.echo(f"item #{item_id} dismissed")


def register(group: click.Group) -> None:
    """Attach the feeds commands."""
    group.add_command(feeds_group)
