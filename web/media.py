"""Programme audio for players and downloads: only files inside the media folder are served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.media_models import AudioAsset
from web.access import READ, require
from web.db import db

bp = Blueprint("media", __name__, url_prefix="/media")


def programmes_with_audio(session: Session, programme_ids: list[int]) -> dict[int, str]:
    """The programmes with a broadcast rendition, each with its audio's version for the URL.

    The audio is cached a day (max_age below): the version (?v=, from the rendition's hash)
    makes a replaced rendition (a correction, a new reading) a new URL, never the old sound.
    """
    if not programme_ids:
        return {}
    ids = set(programme_ids)
    query = select(AudioAsset.programme_id, AudioAsset.rendition_sha256, AudioAsset.sha256).where(
        AudioAsset.programme_id.in_(ids)
    )
    rows = session.execute(query)
    return {pid: (made or source)[:12] for pid, made, source in rows if pid is not None}


def safe_path(folder: Path, relative: str) -> Path | None:
    """The file under folder named by relative, or None if it would leave the folder."""
    base = folder.resolve()
    target = (base / relative).resolve()
    if base != target and base not in target.parents:
        return None
    return target if target.is_file() else None


@bp.get("/programmes/<id:programme_id>.mp3")
def programme_audio(programme_id: int) -> Any:
    """The programme's broadcast rendition (MP3), streamable and downloadable."""
    require(READ)
    asset = db().scalar(select(AudioAsset).where(AudioAsset.programme_id == programme_id))
    if asset is None:
        abort(404)
    settings = current_app.config["LOA_SETTINGS"]
    path = safe_path(settings.resolve_path(settings.media.folder), asset.rendition_path)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype="audio/mpeg",
        as_attachment=False,
        download_name=f"loa-{programme_id}.mp3",
        conditional=True,
        max_age=86400,
    )
