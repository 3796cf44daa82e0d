"""`loa db ...`: create, upgrade and inspect the database schema."""

from __future__ import annotations

import click

import migrations
from audio.messages import N_
from web.cli.context import LoaContext, pass_loa


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@pass_loa
def upgrade(loa: LoaContext) -> None:
    """Create the database or upgrade it to the newest schema."""
    migrations.upgrade(loa.engine)
    heads = ", ".join(sorted(migrations.current_heads(loa.engine)))
    loa.echo(N_("Database at revision %(revision)s"), revision=heads)


@db_group.command("status")
@pass_loa
def status(loa: LoaContext) -> None:
    """Show the schema revision and whether it is current."""
    heads = migrations.current_heads(loa.engine)
    loa.echo(
        N_("Revision %(revision)s: current")
        if migrations.is_current(loa.engine)
        else N_("Revision %(revision)s: needs an upgrade (loa db upgrade)"),
        revision=", ".join(sorted(heads)) or "-",
    )


def register(group: click.Group) -> None:
    """Attach the db commands."""
    group.add_command(db_group)
