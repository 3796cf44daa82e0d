"""Small, synthesised cases: WAV header checks, ffmpeg discovery, [audio]/[feeds] config."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from audio import analyse
from audio.errors import InvalidHeader, ToolMissing, Truncated
from audio.ffmpeg import ffmpeg_path
from audio.wav import read_header
from scheduler.config import ConfigError
from web.settings import parse_app_settings


def _wav(
    path: Path,
    frames: int,
    *,
    big: bool = False,
    data_size: int | None = None,
    rate: int = 8000,
    bits: int = 16,
    channels: int = 1,
    align: int | None = None,
) -> Path:
    e = ">" if big else "<"
    width = (bits + 7) // 8
    align = align if align is not None else channels * width
    samples = b"".join(
        struct.pack(f"{e}h", int(12000 * ((i // 20) % 2 * 2 - 1))) for i in range(frames)
    )
    fmt = struct.pack(f"{e}HHIIHH", 1, channels, rate, rate * align, align, bits)
    size = len(samples) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack(f"{e}I", 16) + fmt
    body += b"data" + struct.pack(f"{e}I", size) + samples
    path.write_bytes((b"RIFX" if big else b"RIFF") + struct.pack(f"{e}I", len(body)) + body)
    return path


def test_big_endian_rifx_is_decoded(tmp_path: Path) -> None:
    info = analyse(_wav(tmp_path / "be.wav", 8000, big=True))
    assert info.container == "wav (RIFX)" and abs(info.duration_seconds - 1.0) < 0.001
    assert abs(info.peak_dbfs - (-8.7)) < 0.1  # 12000 / 32768 = -8.7 dBFS: byte order right
    little = analyse(_wav(tmp_path / "le.wav", 8000))
    assert abs(little.loudness_lufs - info.loudness_lufs) < 0.2  # type: ignore[operator]


def test_streamed_size_accepted_and_lies_refused(tmp_path: Path) -> None:
    streamed = _wav(tmp_path / "s.wav", 4000, data_size=0xFFFFFFFF)
    assert read_header(streamed).frames == 4000  # type: ignore[union-attr]
    with pytest.raises(Truncated):
        read_header(_wav(tmp_path / "t.wav", 4000, data_size=10_000))
    with pytest.raises(InvalidHeader):
        read_header(_wav(tmp_path / "h.wav", 4000, align=3))
    assert read_header(tmp_path / "s.wav") is not None
    (tmp_path / "x.mp3").write_bytes(b"ID3not a wav")
    assert read_header(tmp_path / "x.mp3") is None


def test_ffmpeg_override_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    ffmpeg_path.cache_clear()
    monkeypatch.setenv("LOA_FFMPEG", "/nonexistent/ffmpeg")
    try:
        with pytest.raises(ToolMissing):
            ffmpeg_path()
    finally:
        monkeypatch.delenv("LOA_FFMPEG")
        ffmpeg_path.cache_clear()
    assert Path(ffmpeg_path()).is_file()


@pytest.mark.parametrize(
    ("table", "message"),
    [({"audio": {"bitrate_kbps": 100}}, "audio.bitrate_kbps"),
     ({"audio": {"loudness": -16}}, "unknown key 'audio.loudness'"),
     ({"audio": {"channels": 3}}, "audio.channels"),
     ({"feeds": {"max_bytes": "big"}}, "feeds.max_bytes"),
     ({"feeds": {"timeout_seconds": 0}}, "feeds.timeout_seconds")],
)  # fmt: skip
def test_audio_and_feed_config_validated(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_app_settings(table, "test.toml")
