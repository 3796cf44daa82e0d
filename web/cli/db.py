"""`loa db ...`: create, upgrade and inspect the database schema."""

from __future__ import annotations

import re

import click
from alembic.script import ScriptDirectory

import migrations
from audio.messages import N_
from web.cli.context import LoaContext, pass_loa


def newest(revisions: set[str]) -> str:
    """The newest of several revisions (the migrations branch from 0001; ids start numbered)."""

    def number(revision: str) -> tuple[int, str]:
        digits = re.match(r"\d+", revision)
        return (int(digits.group()) if digits else -1, revision)

    return max(revisions, key=number) if revisions else ""


def _heads(loa: LoaContext) -> set[str]:
    script = ScriptDirectory.from_config(migrations.alembic_config(loa.engine))
    return set(script.get_heads())


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@pass_loa
def upgrade(loa: LoaContext) -> None:
    """Create the database or upgrade it to the newest schema."""
    before = migrations.current_heads(loa.engine)
    migrations.upgrade(loa.engine)
    after = migrations.current_heads(loa.engine)
    if not before:
        message = N_("Database created at revision %(revision)s (newest).")
    elif before == after:
        message = N_("Database already at revision %(revision)s (newest); nothing to do.")
    else:
        message = N_("Database upgraded from revision %(old)s to revision %(revision)s (newest).")
    loa.echo(message, old=newest(before), revision=newest(after))


@db_group.command("status")
@pass_loa
def status(loa: LoaContext) -> None:
    """Show the schema revision and whether it is current."""
    current = migrations.current_heads(loa.engine)
    if not current:
        message = N_("No Loa schema in this database yet: run `loa db upgrade`.")
    elif migrations.is_current(loa.engine):
        message = N_("Database at revision %(revision)s (newest).")
    else:
        message = N_(
            "Database at revision %(revision)s; the newest is %(newest)s: run `loa db upgrade`."
        )
    loa.echo(message, revision=newest(current), newest=newest(_heads(loa)))


def register(group: click.Group) -> None:
    """Attach the db commands."""
    group.add_command(db_group)
