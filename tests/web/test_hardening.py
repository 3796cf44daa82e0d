"""Issue 18: the hardening findings, each with a test on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from content.media_models import AudioAsset
from scheduler.config import MediaSettings, Settings
from tests.web.conftest import Browser, World
from web.app import create_app
from web.security import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example/x",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/ok\r\nLocation: //evil",
        "/x\x00",
        "",
        None,
        "evil.example/x",
        "/" + "a" * 3000,
    ],
)
def test_safe_next_refuses_what_a_browser_would_send_elsewhere(target):
    assert safe_next(target) is None


def test_safe_next_keeps_local_paths():
    assert safe_next("/plan?week=2026-W05") == "/plan?week=2026-W05"
    assert safe_next("/station/") == "/station/"
    assert safe_next("/%0d%0aX") == "/%0d%0aX"  # encoded: a harmless local path


@pytest.mark.parametrize("target", ["/\t/evil.example/x", "/\r\n/evil.example/x", "//evil.example"])
def test_sign_in_and_language_never_redirect_off_site(app: Flask, world: World, target):
    b = Browser(app.test_client())
    b.get("/login")
    r = b.client.post(
        "/login",
        data={"username": "planner", "password": "correct horse battery", "next": target,
              "csrf_token": b.csrf},
    )  # fmt: skip
    assert r.status_code == 302 and r.headers["Location"] == "/"
    b.get("/password")
    r = b.client.post("/lang/en", data={"next": target, "csrf_token": b.csrf})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_media_downloads_are_private(
    engine: Engine, settings: Settings, world: World, tmp_path: Path, session_factory
) -> None:
    root = tmp_path / "media"
    root.mkdir()
    (root / "a.mp3").write_bytes(b"ID3" + b"\0" * 2000)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(root)))
    app = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "m"})
    with session_factory() as s:
        s.add(
            AudioAsset(
                programme_id=world.programme, sha256="1" * 64, original_name="a.mp3",
                original_path="a.mp3", original_bytes=2003, container="mp3", codec="mp3",
                channels=1, sample_rate=44100, duration_ms=1000, rendition_path="a.mp3",
                rendition_profile="p", rendition_duration_ms=1000, created_by="t",
            )
        )  # fmt: skip
        s.commit()
    b = Browser(app.test_client())
    b.login("broadcaster")
    with b.client.get(f"/media/programmes/{world.programme}.mp3") as r:
        assert r.status_code == 200
        cache = r.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache
    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    with app.test_client().get(f"/media/programmes/{world.programme}.mp3", headers=token) as r:
        assert r.status_code == 200 and "public" not in r.headers["Cache-Control"]
    with app.test_client().get("/favicon.ico") as r:  # public assets stay cacheable
        assert "public" in r.headers["Cache-Control"]
