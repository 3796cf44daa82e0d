"""`loa db ...`: create, upgrade and inspect the database schema."""

from __future__ import annotations

import click

import migrations
from web.cli.context import LoaContext, pass_loa


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@pass_loa
def upgrade(loa: LoaContext) -> None:
    """Create the database or upgrade it to the newest schema."""
    migrations.upgrade(loa.engine)
    click.echo(f"database at {', '.join(sorted(migrations.current_heads(loa.engine)))}")


@db_group.command("status")
@pass_loa
def status(loa: LoaContext) -> None:
    """Show the schema revision and whether it is current."""
    heads = migrations.current_heads(loa.engine)
    state = "current" if migrations.is_current(loa.engine) else "needs upgrade (loa db upgrade)"
    click.echo(f"revision {', '.join(sorted(heads)) or 'none'}: {state}")


def register(group: click.Group) -> None:
    """Attach the db commands."""
    group.add_command(db_group)
