"""Backup, restore and `loa check`: verified, atomic, retention; a full disk leaves nothing
half-written and earlier backups intact."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import migrations
from content.db import make_engine, make_session_factory
from scheduler.models import AdminUnit
from scheduler.ops.backup import BackupError, backup_database, integrity, restore_sqlite
from tests import factories as f
from tests.conftest import PG_URL
from tests.worker_helpers import make_settings, write_config
from web.catalogue import render_in
from web.cli import main

T0 = dt.datetime(2026, 11, 23, 19, 30, tzinfo=dt.UTC)


@pytest.fixture
def sqlite_db(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'loa.db'}")
    migrations.upgrade(eng)
    with make_session_factory(eng)() as s:
        f.unit(s, "Tỉnh Một", level="province", code="91")
        s.commit()
    yield eng
    eng.dispose()


def _units(eng) -> int:
    with make_session_factory(eng)() as s:
        return s.scalar(select(func.count(AdminUnit.id)))


def test_backup_is_verified_named_by_time_and_retained(sqlite_db, tmp_path):
    settings = make_settings(tmp_path, backup={"folder": "backups", "keep": 2})
    paths = []
    for days in range(3):
        result = backup_database(sqlite_db, settings, T0 + dt.timedelta(days=days))
        paths.append(result.path)
    assert [p.name for p in paths] == [
        "loa-20261124-023000.db",
        "loa-20261125-023000.db",
        "loa-20261126-023000.db",
    ]
    assert not paths[0].exists() and paths[1].exists() and paths[2].exists()
    assert integrity(str(paths[2])) == "ok"
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [p.name for p in paths[1:]]


def test_restore_replaces_the_live_database(sqlite_db, tmp_path):
    settings = make_settings(tmp_path, backup={"folder": "backups"})
    saved = backup_database(sqlite_db, settings, T0).path
    with make_session_factory(sqlite_db)() as s:
        f.unit(s, "Tỉnh Hai", level="province", code="92")
        s.commit()
    assert _units(sqlite_db) == 2
    restore_sqlite(sqlite_db, saved, safety_copy=tmp_path / "backups" / "pre.db")
    assert _units(sqlite_db) == 1
    assert integrity(str(tmp_path / "backups" / "pre.db")) == "ok"


def test_restore_refuses_bad_files(sqlite_db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(BackupError, match="not a SQLite database|integrity"):
        restore_sqlite(sqlite_db, junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(BackupError, match="not a Loa database"):
        restore_sqlite(sqlite_db, other)
    assert _units(sqlite_db) == 1


@contextlib.contextmanager
def small_disk(path: Path, size: str = "256k"):
    """A small tmpfs at path (needs root); skip when mounting is not allowed."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); see the fake-disk test")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _grow(eng, rows: int) -> None:
    with make_session_factory(eng)() as s:
        for i in range(rows):
            f.unit(s, f"Xã {i} " + "x" * 150, code=f"9{i:05d}")
        s.commit()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
def test_full_disk_during_backup_keeps_the_previous_one(sqlite_db, tmp_path):
    settings = make_settings(tmp_path, backup={"keep": 5})
    with small_disk(tmp_path / "disk", "1m") as disk:
        first = backup_database(sqlite_db, settings, T0, folder=disk).path
        before = first.read_bytes()
        _grow(sqlite_db, 8000)  # the database is now far larger than the disk
        with pytest.raises(BackupError) as info:
            backup_database(sqlite_db, settings, T0 + dt.timedelta(days=1), folder=disk)
        assert info.value.code == "disk_full"
        assert "disk was full" in str(info.value)
        assert "Ổ đĩa đầy" in render_in(info.value, "vi")
        assert sorted(p.name for p in disk.iterdir()) == [first.name]  # no temp file left
        assert first.read_bytes() == before and integrity(str(first)) == "ok"


def test_fake_full_disk_during_backup(sqlite_db, tmp_path):
    """The same guarantee where no tmpfs can be mounted: an injected writer hits ENOSPC."""
    settings = make_settings(tmp_path, backup={"keep": 5})
    folder = tmp_path / "b"
    first = backup_database(sqlite_db, settings, T0, folder=folder).path

    def full_copier(src: str, dest: str) -> None:
        with open(dest, "wb") as fh:
            fh.write(b"SQLite format 3\x00" + b"\x00" * 1000)  # a partial file...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk is full

    with pytest.raises(BackupError, match="disk was full"):
        backup_database(sqlite_db, settings, T0 + dt.timedelta(days=1), folder, full_copier)
    assert [p.name for p in folder.iterdir()] == [first.name]
    assert integrity(str(first)) == "ok"


def _tone_wav(path: Path, seconds: float = 5.0) -> Path:
    import math
    import struct
    import wave

    rate = 44100
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(int(rate * seconds))
            )
        )
    return path


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="audio import needs ffmpeg")
def test_full_disk_during_an_upload_leaves_no_partial_file(session, tmp_path):
    """content.assets.import_audio into a media folder on a full tmpfs: error, nothing left."""
    from audio.settings import AudioSettings
    from content.assets import import_audio
    from content.media_models import AudioAsset

    wav = _tone_wav(tmp_path / "bai-tuyen-truyen.wav")  # ~440 KB
    with small_disk(tmp_path / "media", "256k") as disk:
        (disk / "earlier.mp3").write_bytes(b"x" * 1000)
        with pytest.raises(OSError) as info:
            import_audio(session, disk, wav, "planner", AudioSettings())
        session.rollback()
        assert info.value.errno == errno.ENOSPC
        left = sorted(str(p.relative_to(disk)) for p in disk.rglob("*") if p.is_file())
        assert left == ["earlier.mp3"]
        assert session.scalar(select(func.count(AudioAsset.id))) == 0


def _cli(tmp_path, url, *args):
    cfg = write_config(tmp_path / f"c-{uuid.uuid4().hex[:6]}.toml", url)
    return CliRunner().invoke(main, ["--config", str(cfg), *args])


def test_cli_backup_restore_and_check(sqlite_db, tmp_path, monkeypatch):
    url = f"sqlite:///{sqlite_db.url.database}"
    result = _cli(tmp_path, url, "backup", "--to", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    (saved,) = list((tmp_path / "bk").iterdir())
    result = _cli(tmp_path, url, "restore", str(saved), "--yes")
    assert result.exit_code == 0, result.output
    result = _cli(tmp_path, url, "restore", str(tmp_path / "missing.db"), "--yes")
    assert result.exit_code == 1 and "does not exist" in result.output
    # No worker has ever run: check fails, naming the failed check.
    result = _cli(tmp_path, url, "check")
    assert result.exit_code == 1
    assert "ok   database" in result.output and "FAIL worker heartbeat" in result.output
    from scheduler.worker import lease

    with make_session_factory(sqlite_db)() as s:
        lease.beat(s, "h:1", "active", dt.datetime.now(dt.UTC))
        s.commit()
    if all(shutil.which(tool) for tool in ("ffmpeg", "ffprobe", "espeak-ng")):
        result = _cli(tmp_path, url, "check")
        assert result.exit_code == 0, result.output
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg on PATH
    result = _cli(tmp_path, url, "check")
    assert result.exit_code == 1 and "FAIL ffmpeg" in result.output


def test_check_fails_when_database_unreachable(tmp_path):
    result = _cli(tmp_path, "postgresql://loa@127.0.0.1:9/loa", "check")
    assert result.exit_code == 1 and "FAIL database" in result.output


@pytest.mark.skipif(not PG_URL or not shutil.which("pg_dump"), reason="needs PostgreSQL, pg_dump")
@contextlib.contextmanager
def _private_pg_database():
    """A database of its own: pg_dump reads every schema, and parallel test runs drop theirs."""
    name = f"loa_backup_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    eng = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        migrations.upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


def test_postgres_backup_with_pg_dump(tmp_path):
    settings = make_settings(tmp_path, backup={"keep": 1})
    with _private_pg_database() as eng:
        first = backup_database(eng, settings, T0, folder=tmp_path / "pg").path
        second = backup_database(eng, settings, T0 + dt.timedelta(days=1), folder=tmp_path / "pg")
    assert second.path.suffix == ".dump" and second.removed == [first]
    listing = subprocess.run(
        ["pg_restore", "--list", str(second.path)], capture_output=True, text=True, check=False
    )
    assert listing.returncode == 0 and "TABLE" in listing.stdout
    assert [p.name for p in (tmp_path / "pg").iterdir()] == [second.path.name]
