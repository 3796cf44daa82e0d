"""Backups: SQLite online backup API (verified, atomic, retention); pg_dump for PostgreSQL."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.errors import N_, LoaError

PREFIX = "loa-"
Copier = Callable[[str, str], None]


class BackupError(LoaError):
    """A backup or restore that could not be made; nothing half-written was left behind."""

    code = "backup_failed"
    http_status = 500


@dataclass
class BackupResult:
    """Where the backup went and what retention removed."""

    path: Path
    size: int
    removed: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.path} ({self.size} bytes; {len(self.removed)} old removed)"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sqlite_copy(src: str, dest: str) -> None:
    """Copy a live SQLite database with the online backup API (consistent, WAL-safe)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        # A self-contained file: no -wal/-shm beside it when it is opened later.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()


def integrity(path: str) -> str:
    """SQLite's PRAGMA integrity_check of a file: 'ok' when sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.Error) and "full" in str(exc).lower()


def sqlite_file(engine: Engine) -> str:
    """The database file of a SQLite engine."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError(N_("The database is not a SQLite file"), code="backup.not_sqlite")
    return engine.url.database


def backup_sqlite(src: str, dest: Path, copier: Copier = sqlite_copy) -> Path:
    """Write dest atomically: copy to a temp file, integrity_check, fsync, rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        copier(src, str(tmp))
        result = integrity(str(tmp))
        if result != "ok":
            raise BackupError(
                N_("The backup copy failed its integrity check (%(result)s)"),
                code="backup.integrity",
                result=result,
            )
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except (OSError, sqlite3.Error) as exc:
        if _is_disk_full(exc):
            raise BackupError(
                N_(
                    "The disk was full while writing the backup in %(folder)s: nothing was"
                    " written and earlier backups are intact. Free some space and run"
                    " `loa backup` again."
                ),
                code="disk_full",
                folder=str(dest.parent),
            ) from exc
        raise BackupError(
            N_("The backup to %(file)s failed (%(reason)s)"),
            code="backup.failed",
            file=str(dest),
            reason=str(exc),
        ) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    return dest


def backup_postgres(engine: Engine, dest: Path) -> Path:
    """pg_dump --format=custom to a temp file, then rename (needs pg_dump on PATH)."""
    exe = shutil.which("pg_dump")
    if exe is None:
        raise BackupError(
            N_("pg_dump was not found: install the PostgreSQL client (docs/production.md)"),
            code="backup.pg_dump_missing",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        done = subprocess.run(
            [exe, "--format=custom", f"--file={tmp}", f"--dbname={url}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(
                N_("pg_dump failed (%(reason)s)"),
                code="backup.pg_dump",
                reason=done.stderr.strip()[:500],
            )
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def apply_retention(folder: Path, keep: int, suffix: str) -> list[Path]:
    """Delete the oldest backups beyond keep (names sort by time)."""
    files = sorted(p for p in folder.glob(f"{PREFIX}*{suffix}") if p.is_file())
    old = files[:-keep] if len(files) > keep else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_database(
    engine: Engine,
    settings: Settings,
    at: dt.datetime,
    folder: Path | None = None,
    copier: Copier = sqlite_copy,
) -> BackupResult:
    """Back up the configured database into the backup folder, named by time, with retention."""
    folder = folder or settings.resolve_path(settings.backup.folder)
    stamp = at.astimezone(settings.zone).strftime("%Y%m%d-%H%M%S")
    if engine.dialect.name == "sqlite":
        dest = backup_sqlite(sqlite_file(engine), folder / f"{PREFIX}{stamp}.db", copier)
        suffix = ".db"
    else:
        dest = backup_postgres(engine, folder / f"{PREFIX}{stamp}.dump")
        suffix = ".dump"
    removed = apply_retention(folder, settings.backup.keep, suffix)
    return BackupResult(dest, dest.stat().st_size, removed)


def restore_sqlite(engine: Engine, source: Path, safety_copy: Path | None = None) -> None:
    """Replace the live SQLite database with a verified backup, in one transaction."""
    if not source.is_file():
        raise BackupError(
            N_("The backup file %(file)s does not exist"), code="backup.missing", file=str(source)
        )
    try:
        check = integrity(str(source))
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            has_schema = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(
            N_("%(file)s is not a SQLite database (%(reason)s)"),
            code="backup.not_sqlite",
            file=str(source),
            reason=str(exc),
        ) from exc
    if check != "ok":
        raise BackupError(
            N_("%(file)s failed its integrity check (%(result)s)"),
            code="backup.integrity",
            file=str(source),
            result=check,
        )
    if not has_schema:
        raise BackupError(
            N_("%(file)s is not a Loa database (it has no alembic_version table)"),
            code="backup.not_loa",
            file=str(source),
        )
    live = sqlite_file(engine)
    if safety_copy is not None:
        backup_sqlite(live, safety_copy)
    engine.dispose()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=30)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise BackupError(
            N_("The restore failed; the database is unchanged (%(reason)s)"),
            code="backup.restore",
            reason=str(exc),
        ) from exc
    finally:
        dst.close()
        src.close()
    if integrity(live) != "ok":
        raise BackupError(
            N_("The restored database failed its integrity check"), code="backup.integrity"
        )
