"""`loa check`: is this installation fit to serve? Database, schema, media, ffmpeg, speech,
worker."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine

import migrations
from content.db import make_session_factory, utcnow
from scheduler.config import Settings
from scheduler.speech import check_speech
from scheduler.worker.lease import freshest_beat


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and what was found."""

    name: str
    ok: bool
    detail: str


def check_database(engine: Engine) -> CheckResult:
    """The database answers a query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return CheckResult("database", False, str(exc).splitlines()[0][:300])
    return CheckResult("database", True, engine.url.render_as_string(hide_password=True))


def check_migrations(engine: Engine) -> CheckResult:
    """The schema is at every head revision."""
    try:
        heads = sorted(migrations.current_heads(engine))
        ok = migrations.is_current(engine)
    except Exception as exc:  # noqa: BLE001
        return CheckResult("migrations", False, str(exc).splitlines()[0][:300])
    detail = f"at {', '.join(heads) or 'none'}" + ("" if ok else " (run: loa db upgrade)")
    return CheckResult("migrations", ok, detail)


def check_media(settings: Settings) -> CheckResult:
    """The media folder exists (or can be made) and takes a file."""
    folder = settings.resolve_path(settings.media.folder)
    probe = folder / f".loa-check-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as fh:
            fh.write(b"loa")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return CheckResult("media folder", False, f"{folder}: {exc.strerror or exc}")
    finally:
        probe.unlink(missing_ok=True)
    return CheckResult("media folder", True, f"{folder} writable")


def check_ffmpeg() -> CheckResult:
    """ffmpeg (and ffprobe) are on PATH for the audio functions."""
    missing = [exe for exe in ("ffmpeg", "ffprobe") if shutil.which(exe) is None]
    if missing:
        return CheckResult("ffmpeg", False, f"not found on PATH: {', '.join(missing)}")
    return CheckResult("ffmpeg", True, str(shutil.which("ffmpeg")))


def check_worker(engine: Engine, settings: Settings, now: dt.datetime) -> CheckResult:
    """A worker (active or standby) beat within heartbeat_max_age_seconds."""
    try:
        with make_session_factory(engine)() as s:
            beat = freshest_beat(s)
    except Exception as exc:  # noqa: BLE001
        return CheckResult("worker heartbeat", False, str(exc).splitlines()[0][:300])
    if beat is None:
        return CheckResult("worker heartbeat", False, "no worker has ever run (start: loa worker)")
    age = (now - beat.beat_at).total_seconds()
    limit = settings.worker.heartbeat_max_age_seconds
    detail = f"{beat.instance} ({beat.role}) beat {age:.0f} s ago (limit {limit} s)"
    return CheckResult("worker heartbeat", age <= limit, detail)


def run_checks(
    settings: Settings, engine: Engine, now: dt.datetime | None = None
) -> list[CheckResult]:
    """Every check, in order; later ones still run when earlier ones fail."""
    now = now or utcnow()
    db = check_database(engine)
    results = [db]
    if db.ok:
        results.append(check_migrations(engine))
    results += [check_media(settings), check_ffmpeg()]
    results.append(CheckResult("speech", *check_speech(settings)))
    if db.ok:
        results.append(check_worker(engine, settings, now))
    return results
