"""`loa backup`, `loa restore`, `loa check`: operations that lose nothing."""

from __future__ import annotations

from pathlib import Path

import click

from audio.messages import N_, message
from content.db import utcnow
from scheduler.health import run_checks
from scheduler.ops.backup import BackupError, backup_database, restore_sqlite
from web.cli.context import LoaContext, pass_loa


@click.command("backup")
@click.option(
    "--to", "folder", type=click.Path(file_okay=False), help="Folder (default [backup].folder)."
)
@pass_loa
def backup(loa: LoaContext, folder: str | None) -> None:
    """Back up the database: SQLite online backup (verified) or pg_dump; keep [backup].keep."""
    try:
        result = backup_database(
            loa.engine, loa.settings, utcnow(), Path(folder) if folder else None
        )
    except BackupError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_("Backup written: %(file)s (%(size)s bytes; %(removed)s old ones removed)"),
        file=str(result.path),
        size=result.size,
        removed=len(result.removed),
    )


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_loa
def restore(loa: LoaContext, source: str, yes: bool) -> None:
    """Replace the SQLite database with a verified backup (stop web and worker first)."""
    if loa.engine.dialect.name != "sqlite":
        raise loa.error(
            N_("PostgreSQL: restore with pg_restore --clean --if-exists (docs/production.md)")
        )
    if not yes:
        click.confirm(
            loa.text(message(N_("Replace the database with %(file)s?"), file=source)), abort=True
        )
    folder = loa.settings.resolve_path(loa.settings.backup.folder)
    safety = folder / f"pre-restore-{utcnow():%Y%m%d-%H%M%S}.db"
    try:
        restore_sqlite(loa.engine, Path(source), safety_copy=safety)
    except BackupError as exc:
        raise loa.refuse(exc) from exc
    loa.echo(
        N_("Restored from %(file)s; the previous database was saved as %(safety)s"),
        file=source,
        safety=str(safety),
    )


@click.command("check")
@pass_loa
def check(loa: LoaContext) -> None:
    """Check database, migrations, media folder, ffmpeg and worker heartbeat; exit 1 on failure."""
    results = run_checks(loa.settings, loa.engine)
    for r in results:
        click.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.name}: {r.detail}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        raise loa.error(
            N_("%(n)s checks failed: %(names)s"), n=len(failed), names=", ".join(failed)
        )


def register(group: click.Group) -> None:
    """Attach the operations commands."""
    group.add_command(backup)
    group.add_command(restore)
    group.add_command(check)
