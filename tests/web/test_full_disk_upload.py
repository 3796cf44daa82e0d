"""A full disk (small tmpfs as the media folder) during an audio upload through the web page:
a clear 507 message, no half-written file, no database row, earlier files intact."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil

import pytest
from sqlalchemy import func, select

from content.media_models import AudioAsset
from scheduler.config import MediaSettings
from tests.test_backup import _tone_wav, small_disk
from tests.web.conftest import Browser
from web.app import create_app


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="audio import needs ffmpeg")
def test_upload_on_a_full_disk(engine, settings, world, session_factory, tmp_path):
    wav = _tone_wav(tmp_path / "bai.wav")
    with small_disk(tmp_path / "media", "256k") as disk:
        (disk / "earlier.mp3").write_bytes(b"x" * 2000)
        full = dataclasses.replace(settings, media=MediaSettings(folder=str(disk)))
        app = create_app(full, engine, {"TESTING": True, "SECRET_KEY": "t"})
        with app.test_client() as client:
            planner = Browser(client)
            assert planner.login("planner") == 302
            planner.get("/library")
            resp = client.post(
                f"/library/{world.programme}/audio",
                data={"csrf_token": planner.csrf, "file": (io.BytesIO(wav.read_bytes()), "a.wav")},
                content_type="multipart/form-data",
            )
        assert resp.status_code == 507
        assert "Ổ đĩa của máy chủ đã đầy" in resp.text and "disk is full" not in resp.text
        assert "Traceback" not in resp.text
        left = sorted(str(p.relative_to(disk)) for p in disk.rglob("*") if p.is_file())
        assert left == ["earlier.mp3"]
        assert (disk / "earlier.mp3").read_bytes() == b"x" * 2000
        with session_factory() as s:
            assert s.scalar(select(func.count(AudioAsset.id))) == 0
