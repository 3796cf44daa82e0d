"""`loa feeds ...`: register feeds, poll them, and work the inbox of feed items."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_, message
from content.errors import ContentError
from content.feeds.store import add_source, due_sources, ingest_document, poll_many
from content.inbox import dismiss, draft_programme, list_items
from content.media_models import FeedSource
from content.text import clean_optional
from scheduler.media import fetch_limits
from web.cli.context import LoaContext, pass_loa


@click.group("feeds")
def feeds_group() -> None:
    """RSS and Atom feeds (nguồn tin) and their inbox."""


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
    """Register the feed at URL."""
    if topic and topic not in loa.settings.topics:
        raise loa.error(N_("Unknown topic '%(topic)s'"), topic=topic)
    try:
        name = clean_optional(name, field=N_("name"))
        with loa.session() as session:
            source = add_source(session, url, actor, name, topic,
                                minutes or loa.settings.feeds.default_poll_minutes)  # fmt: skip
    except ContentError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_("Feed #%(id)s added: %(name)s (every %(minutes)s min)"),
        id=source.id,
        name=source.name,
        minutes=source.poll_minutes,
    )


@feeds_group.command("list")
@pass_loa
def list_command(loa: LoaContext) -> None:
    """The feeds and how their last poll went."""
    with loa.session() as session:
        for s in session.scalars(select(FeedSource).order_by(FeedSource.id)):
            when = s.last_polled_at.astimezone(loa.settings.zone) if s.last_polled_at else None
            head = f"#{s.id} {s.name} <{s.url}>"
            if when is None:
                loa.echo(N_("%(feed)s never polled"), feed=head)
            else:
                loa.echo(
                    N_("%(feed)s every %(minutes)s min; last poll %(when)s: %(status)s"),
                    feed=head,
                    minutes=s.poll_minutes,
                    when=f"{when:%d/%m/%Y %H:%M}",
                    status=s.last_status,
                )


@feeds_group.command("poll")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Ingest a saved feed document instead of fetching.")  # fmt: skip
@click.option("--source", "source_id", type=int, help="Feed id (with --file: whose items).")
@click.option("--all", "poll_all", is_flag=True, help="Poll every active feed, due or not.")
@pass_loa
def poll(loa: LoaContext, file: Path | None, source_id: int | None, poll_all: bool) -> None:
    """Poll the feeds that are due (or one, or all); one failure never stops the rest."""
    settings = loa.settings
    with loa.session() as session:
        if file is not None:
            if not file.is_file():
                raise loa.error(N_("%(file)s: no such file"), file=str(file))
            source = _file_source(loa, session, file, source_id)
            outcomes = [ingest_document(session, source, file.read_bytes(), settings.zone)]
        else:
            if source_id is not None:
                one = session.get(FeedSource, source_id)
                if one is None:
                    raise loa.error(N_("There is no feed #%(id)s"), id=source_id)
                sources = [one]
            elif poll_all:
                sources = list(session.scalars(select(FeedSource).where(FeedSource.active)))
            else:
                sources = due_sources(session)
            outcomes = poll_many(session, sources, fetch_limits(settings), settings.zone)
    failed = 0
    for o in outcomes:
        line = message(
            N_("Feed #%(id)s: %(status)s, %(n)s new"),
            id=o.source_id,
            status=o.status,
            n=o.new_items,
        )
        if o.message:
            line = message(N_("%(line)s (%(why)s)"), line=line, why=o.message)
        click.echo(loa.text(line))
        failed += o.status == "error"
    loa.echo(N_("%(n)s feeds polled, %(failed)s failed"), n=len(outcomes), failed=failed)
    if outcomes and failed == len(outcomes):
        raise loa.error(N_("No feed could be read"))


def _file_source(
    loa: LoaContext, session: Session, file: Path, source_id: int | None
) -> FeedSource:
    """The source a local file's items belong to (given, or one keyed by the file's URI)."""
    if source_id is not None:
        source = session.get(FeedSource, source_id)
        if source is None:
            raise loa.error(N_("There is no feed #%(id)s"), id=source_id)
        return source
    uri = file.resolve().as_uri()
    found = session.scalar(select(FeedSource).where(FeedSource.url == uri))
    return found or add_source(session, uri, "cli", name=file.name)


@feeds_group.command("inbox")
@click.option("--status", type=click.Choice(["new", "drafted", "dismissed"]), default="new")
@click.option("--limit", type=int, default=50, show_default=True)
@pass_loa
def inbox(loa: LoaContext, status: str, limit: int) -> None:
    """Feed items waiting for a decision (newest first, local dates)."""
    with loa.session() as session:
        for item in list_items(session, status, limit=limit):
            when = item.published_at.astimezone(loa.settings.zone) if item.published_at else None
            stamp = f"{when:%d/%m/%Y %H:%M}" if when else "----------------"
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
    """Turn a feed item into a programme draft."""
    s = loa.settings
    if topic and topic not in s.topics:
        raise loa.error(N_("Unknown topic '%(topic)s'"), topic=topic)
    if programme_type not in s.programme_types or language not in s.languages:
        raise loa.error(N_("Unknown programme type or language"))
    try:
        title = clean_optional(title, field=N_("title"))
        with loa.session() as session:
            p = draft_programme(session, item_id, actor, topic, programme_type, language, title)
    except ContentError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_("Programme draft #%(id)s: %(title)s (about %(seconds)s s to read)"),
        id=p.id,
        title=p.title,
        seconds=p.duration_seconds,
    )


@feeds_group.command("dismiss")
@click.argument("item_id", type=int)
@click.option("--user", "actor", default="cli", show_default=True)
@pass_loa
def dismiss_command(loa: LoaContext, item_id: int, actor: str) -> None:
    """Dismiss a feed item."""
    try:
        with loa.session() as session:
            dismiss(session, item_id, actor)
    except ContentError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(N_("Feed item #%(id)s dismissed"), id=item_id)


def register(group: click.Group) -> None:
    """Attach the feeds commands."""
    group.add_command(feeds_group)
