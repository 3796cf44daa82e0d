"""The audio, programmes and feeds commands, end to end on a SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from content.db import make_engine, make_session_factory, transaction
from content.media_models import AudioAsset, FeedItem
from content.models import Programme
from scheduler.periods import Week
from scheduler.schedules import add_item, materialise_week
from tests import factories
from tests.audio_helpers import ebur128, reference_duration
from tests.conftest import ROOT
from web.cli import main
from web.settings import load_app_settings


@pytest.fixture
def loa(tmp_path: Path) -> tuple[CliRunner, Path]:
    """A runner and a config file whose database and media folder live in tmp_path."""
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///instance/loa.db"', 'url = "sqlite:///loa.db"')
    text = text.replace('folder = "instance/media"', 'folder = "media"')
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return runner, config


def _run(loa: tuple[CliRunner, Path], *args: str) -> tuple[int, str]:
    runner, config = loa
    result = runner.invoke(main, ["--config", str(config), *args])
    return result.exit_code, result.output


def _audio(testdata: Path, name: str) -> Path:
    return next((testdata / "audio").glob(f"*/{name}"))


def test_audio_probe_and_normalise(loa: tuple[CliRunner, Path], testdata: Path,
                                   tmp_path: Path) -> None:  # fmt: skip
    src = _audio(testdata, "wrong_extension.aac")
    code, out = _run(loa, "audio", "probe", str(src), "--json")
    assert code == 0, out
    info = json.loads(out)
    assert info["codec"] == "aac" and abs(info["duration_seconds"] - reference_duration(src)) < 0.05
    code, out = _run(loa, "audio", "probe", str(_audio(testdata, "test1_empty.wav")))
    assert code == 1 and "holds no audio" in out and "không" not in out
    code, out = _run(
        loa, "--lang", "vi", "audio", "probe", str(_audio(testdata, "test1_empty.wav"))
    )
    assert code == 1 and "Tệp không có âm thanh: khối dữ liệu không có mẫu âm thanh nào" in out
    assert "holds no audio" not in out
    dest = tmp_path / "n.mp3"
    code, out = _run(loa, "audio", "normalise", str(src), "-o", str(dest), "--target", "-18")
    assert code == 0, out
    loudness, peak = ebur128(dest)
    assert abs(loudness + 18) <= 1.0 and peak <= -1.0
    code, out = _run(loa, "audio", "normalise", str(src), "-o", str(tmp_path / "n.ogg"))
    assert code == 1 and ".mp3 or .wav" in out


def test_programmes_add_with_audio(loa: tuple[CliRunner, Path], testdata: Path,
                                   tmp_path: Path) -> None:  # fmt: skip
    src = _audio(testdata, "test5.webm")
    code, out = _run(loa, "programmes", "add", "--title", "Bản tin", "--topic", "ntm",
                     "--audio", str(src))  # fmt: skip
    assert code == 0, out
    code, out = _run(loa, "programmes", "add", "--title", "Lần 2", "--topic", "ntm",
                     "--audio", str(src))  # fmt: skip
    assert code == 1 and "already in the library" in out
    code, out = _run(
        loa,
        "programmes",
        "add",
        "--title",
        "Hỏng",
        "--topic",
        "ntm",
        "--audio",
        str(_audio(testdata, "test-44100Hz-le-1ch-4bytes-incomplete-chunk.wav")),
    )
    assert code == 1 and "truncated" in out
    code, out = _run(loa, "programmes", "add", "--title", "X", "--topic", "nope", "--duration", "5")
    assert code == 1 and "unknown topic" in out
    engine = make_engine(f"sqlite:///{tmp_path / 'loa.db'}")
    with make_session_factory(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Programme)) == 1
        asset = s.scalars(select(AudioAsset)).one()
        assert asset.programme_id is not None and asset.codec == "opus"
        files = sorted(p.name for p in (tmp_path / "media").rglob("*") if p.is_file())
        assert files == sorted([Path(asset.original_path).name, Path(asset.rendition_path).name])
        assert Path(asset.original_path).suffix == ".webm"
    engine.dispose()


def test_slot_reels(loa: tuple[CliRunner, Path], testdata: Path, tmp_path: Path) -> None:
    for title, name in (("Tin sáng", "party.mp3"), ("Chuyên mục", "test4.wav")):
        code, out = _run(loa, "programmes", "add", "--title", title, "--topic", "ntm",
                         "--audio", str(_audio(testdata, name)))  # fmt: skip
        assert code == 0, out
    settings = load_app_settings(loa[1])
    engine = make_engine(f"sqlite:///{tmp_path / 'loa.db'}")
    day = dt.date(2026, 11, 24)
    with transaction(make_session_factory(engine)) as s:
        unit = factories.unit(s)
        channel = factories.channel(s, unit)
        factories.pattern(s, channel, weekdays="1234567", start=dt.time(6, 0))
        factories.pattern(s, channel, weekdays="1234567", start=dt.time(17, 30))
        week = materialise_week(s, settings, channel.id, Week.of(day), "t")
        slots = [sl for sl in week.slots if sl.local_date == day]
        for programme in sorted(s.scalars(select(Programme)), key=lambda p: p.id):
            programme.approved_by, programme.approved_at = "chief", dt.datetime.now(dt.UTC)
            add_item(s, slots[0].id, programme.id, "t")
        channel_id = channel.id
    engine.dispose()
    out_dir = tmp_path / "usb"
    code, out = _run(loa, "audio", "slot", "--channel", str(channel_id), "--date",
                     day.isoformat(), "-o", str(out_dir), "--gap", "2")  # fmt: skip
    assert code == 0, out
    files = sorted(out_dir.glob("*.mp3"))
    assert [f.name for f in files] == [f"channel{channel_id}-20261124-0600.mp3"]
    assert "17:30: no audio" in out
    expected = 6.58 + 8.0 + 2.0  # both programmes (no silence to trim) and one gap
    assert abs(reference_duration(files[0]) - expected) < 0.3
    code, out = _run(loa, "audio", "slot", "--channel", "999", "--date", "2026-11-24", "-o",
                     str(out_dir))  # fmt: skip
    assert code == 1 and "There is no channel" in out


def test_feeds_commands(loa: tuple[CliRunner, Path], testdata: Path, tmp_path: Path) -> None:
    feed = testdata / "feeds" / "feedparser" / "wellformed" / "rss" / "item_guid.xml"
    code, out = _run(loa, "feeds", "poll", "--file", str(feed))
    assert code == 0 and "ok, 1 new" in out, out
    code, out = _run(loa, "feeds", "poll", "--file", str(feed))
    assert code == 0 and "ok, 0 new" in out, out
    broken = testdata / "feeds" / "feedparser" / "illformed" / "rss_empty_document.xml"
    code, out = _run(loa, "feeds", "poll", "--file", str(broken))
    assert code == 1 and "error" in out
    code, out = _run(loa, "feeds", "add", "https://portal.example.vn/rss", "--topic", "ntm")
    assert code == 0 and "Feed #" in out
    code, out = _run(loa, "feeds", "add", "https://portal.example.vn/rss")
    assert code == 1 and "already" in out
    code, out = _run(loa, "feeds", "inbox")
    item_id = re.search(r"#(\d+)", out).group(1)  # type: ignore[union-attr]
    code, out = _run(loa, "feeds", "draft", item_id)
    assert code == 1 and "topic" in out  # the file's feed has no default topic
    code, out = _run(loa, "feeds", "draft", item_id, "--topic", "ntm")
    assert code == 0 and "Programme draft" in out
    code, out = _run(loa, "feeds", "dismiss", item_id)
    assert code == 1
    engine = make_engine(f"sqlite:///{tmp_path / 'loa.db'}")
    with make_session_factory(engine)() as s:
        assert s.scalars(select(FeedItem.status)).all() == ["drafted"]
    engine.dispose()


def test_audio_rerender_after_the_profile_changed(
    loa: tuple[CliRunner, Path], testdata: Path, tmp_path: Path
) -> None:
    code, out = _run(loa, "programmes", "add", "--title", "Tin sáng", "--topic", "ntm",
                     "--audio", str(_audio(testdata, "test4.wav")))  # fmt: skip
    assert code == 0, out
    code, out = _run(loa, "audio", "rerender")
    assert code == 0 and "0 rendered again, 0 failed, of 0" in out
    config = loa[1]
    config.write_text(
        config.read_text(encoding="utf-8").replace("bitrate_kbps = 128", "bitrate_kbps = 64"),
        encoding="utf-8",
    )
    code, out = _run(loa, "audio", "rerender", "--dry-run")
    assert code == 0 and "1 assets to render again" in out
    media = tmp_path / "media"
    old = sorted(p.name for p in (media / "renditions").rglob("*.mp3"))
    assert len(old) == 1 and "128k" in old[0]
    code, out = _run(loa, "audio", "rerender")
    assert code == 0 and "1 rendered again, 0 failed, of 1" in out, out
    new = sorted(p.name for p in (media / "renditions").rglob("*.mp3"))
    assert len(new) == 1 and "64k" in new[0]  # the replaced rendition is gone
    engine = make_engine(f"sqlite:///{tmp_path / 'loa.db'}")
    with make_session_factory(engine)() as s:
        asset = s.scalars(select(AudioAsset)).one()
        assert asset.rendition_path.endswith(new[0]) and asset.rendition_profile.startswith("64k")
    engine.dispose()
    for original in (media / "originals").rglob("*"):
        if original.is_file():
            original.unlink()
    code, out = _run(loa, "audio", "rerender", "--all")
    assert (
        code == 1
        and "The original file" in out
        and "is missing" in out
        and "0 rendered again, 1 failed" in out
    )
