"""`loa notifications`: the dead-letter list of emails and webhooks, and retrying them."""

from __future__ import annotations

import click

from audio.messages import N_
from content.db import utcnow
from scheduler.errors import LoaError
from scheduler.notify.delivery import dead_letters, retry_dead
from web.cli.context import LoaContext, pass_loa


@click.group("notifications")
def notifications_group() -> None:
    """Outgoing notifications (email, webhooks)."""


@notifications_group.command("dead")
@pass_loa
def dead(loa: LoaContext) -> None:
    """List messages that failed max_attempts times."""
    with loa.session() as s:
        rows = dead_letters(s)
        for m in rows:
            click.echo(f"{m.id}\t{m.kind}\t{m.target}\t{m.event}\t{m.attempts}\t{m.last_error}")
        if not rows:
            loa.echo(N_("No dead letters"))


@notifications_group.command("retry")
@click.argument("message_id", type=int)
@pass_loa
def retry(loa: LoaContext, message_id: int) -> None:
    """Queue a dead message again."""
    try:
        with loa.session() as s:
            retry_dead(s, message_id, utcnow())
    except LoaError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(N_("Notification %(id)s queued again"), id=message_id)


def register(group: click.Group) -> None:
    """Attach the notification commands."""
    group.add_command(notifications_group)
