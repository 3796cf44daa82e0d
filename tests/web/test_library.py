"""Library: audio upload through the page (stored, normalised, served, played on the station),
media downloads that cannot leave the media folder, upload limits, and the feed inbox."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.media_models import AudioAsset, FeedItem, FeedSource
from content.models import Programme
from scheduler.config import MediaSettings, Settings
from tests.web.conftest import Browser, World
from web.app import create_app
from web.media import safe_path


@pytest.fixture
def media_app(engine: Engine, settings: Settings, tmp_path: Path) -> Flask:
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(tmp_path / "media")))
    return create_app(local, engine, {"TESTING": True, "SECRET_KEY": "lib"})


def test_upload_audio_then_play_it(
    media_app: Flask, world: World, testdata: Path, session_factory: sessionmaker[Session]
) -> None:
    planner = Browser(media_app.test_client())
    planner.login("planner")
    planner.get("/library")
    data = (testdata / "audio" / "pydub" / "party.mp3").read_bytes()
    r = planner.client.post(
        f"/library/{world.programme}/audio",
        data={"csrf_token": planner.csrf, "file": (io.BytesIO(data), "../../party.mp3")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    with session_factory() as s:
        asset = s.scalar(select(AudioAsset).where(AudioAsset.programme_id == world.programme))
        assert asset is not None and asset.original_name == "party.mp3"
    audio = planner.client.get(f"/media/programmes/{world.programme}.mp3")
    assert audio.status_code == 200 and audio.mimetype == "audio/mpeg" and len(audio.data) > 1000
    # The player's URL names the rendition (cached a day): new audio is a new URL.
    version = (asset.rendition_sha256 or asset.sha256)[:12]
    assert (
        f'src="/media/programmes/{world.programme}.mp3?v={version}"' in planner.get("/library").text
    )
    refused = planner.client.post(
        f"/library/{world.programme}/audio",
        data={"csrf_token": planner.csrf, "file": (io.BytesIO(b"MZ..."), "tool.exe")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 303  # refused with a message, nothing stored
    assert "Hệ thống không nhận loại tệp này" in planner.get("/library").text
    with session_factory() as s:
        assert len(s.scalars(select(AudioAsset)).all()) == 1
    replaced = planner.client.post(
        f"/library/{world.programme}/audio",
        data={
            "csrf_token": planner.csrf,
            "file": (
                io.BytesIO((testdata / "audio" / "pydub" / "test2.mp3").read_bytes()),
                "test2.mp3",
            ),
        },
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 303
    page = planner.get("/library").text
    assert f"/media/programmes/{world.programme}.mp3?v={version}" not in page  # not the old sound
    assert f"/media/programmes/{world.programme}.mp3?v=" in page


def test_media_never_leaves_the_folder(
    media_app: Flask, world: World, session_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    root = tmp_path / "media"
    root.mkdir(exist_ok=True)
    (tmp_path / "secret.txt").write_text("secret")
    assert safe_path(root, "../secret.txt") is None
    assert safe_path(root, "/etc/passwd") is None
    with session_factory() as s:
        s.add(
            AudioAsset(
                programme_id=world.programme, sha256="0" * 64, original_name="x",
                original_path="../secret.txt", original_bytes=6, container="mp3", codec="mp3",
                channels=1, sample_rate=44100, duration_ms=1000, rendition_path="../secret.txt",
                rendition_profile="p", rendition_duration_ms=1000, created_by="t",
            )
        )  # fmt: skip
        s.commit()
    b = Browser(media_app.test_client())
    b.login("planner")
    assert b.client.get(f"/media/programmes/{world.programme}.mp3").status_code == 404
    assert b.client.get("/static/../web/app.py").status_code == 404


def test_upload_size_limit(engine: Engine, settings: Settings, world: World) -> None:
    app = create_app(settings, engine, {"TESTING": True, "SECRET_KEY": "x", "LOA_MAX_UPLOAD": 1000})
    b = Browser(app.test_client())
    b.login("planner")
    b.get("/library")
    r = b.client.post(
        f"/library/{world.programme}/audio",
        data={"csrf_token": b.csrf, "file": (io.BytesIO(b"0" * 5000), "big.mp3")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413


def test_feed_inbox_draft_and_dismiss(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as s:
        src = FeedSource(url="https://example.org/rss", name="Báo Mẫu", default_topic="ntm",
                         poll_minutes=60)  # fmt: skip
        s.add(src)
        s.flush()
        items = [
            FeedItem(
                source_id=src.id, dedup_key=f"k{i}", title=f"Tin số {i}", text="Nội dung " * 50
            )
            for i in range(2)
        ]
        s.add_all(items)
        s.commit()
        ids = [it.id for it in items]
    browser.login("planner")
    page = browser.get("/library/inbox").text
    assert "Tin số 0" in page and "Tin số 1" in page
    assert browser.post(f"/library/inbox/{ids[0]}/draft", {"topic": ""}).status_code == 303
    assert browser.post(f"/library/inbox/{ids[1]}/dismiss").status_code == 303
    with session_factory() as s:
        draft = s.scalar(select(Programme).where(Programme.title == "Tin số 0"))
        assert draft is not None and draft.approved_at is None and draft.topics == ["ntm"]
        assert s.get(FeedItem, ids[1]).status == "dismissed"  # type: ignore[union-attr]
    assert "Tin số" not in browser.get("/library/inbox").text
