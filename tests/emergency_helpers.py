"""Builders for the emergency broadcast tests: an area of stations and a programme with audio."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from content.media_models import AudioAsset
from content.models import Programme
from tests import factories as f


@dataclass
class Area:
    """Province A (two communes, three stations) and province B (one station)."""

    province_a: int = 0
    province_b: int = 0
    communes: list[int] = field(default_factory=list)
    stations_a: list[int] = field(default_factory=list)  # commune, commune, district radio
    station_b: int = 0
    programme: int = 0


def with_audio(session: Session, programme: Programme, seconds: int = 30) -> AudioAsset:
    """A stored-audio row for the programme (files are not needed by these tests)."""
    sha = hashlib.sha256(f"p{programme.id}".encode()).hexdigest()
    asset = AudioAsset(
        programme_id=programme.id, sha256=sha, original_name="tin.wav",
        original_path=f"originals/{sha[:2]}/{sha}.wav", original_bytes=1000, container="wav",
        codec="pcm_s16le", channels=1, sample_rate=44100, duration_ms=seconds * 1000,
        rendition_path=f"renditions/{sha[:2]}/{sha}-x.mp3", rendition_profile="x",
        rendition_duration_ms=seconds * 1000, created_by="test",
    )  # fmt: skip
    session.add(asset)
    session.flush()
    return asset


def build_area(session: Session) -> Area:
    """The committed area."""
    a = Area()
    pa = f.unit(session, "Tỉnh A", level="province", code="91")
    pb = f.unit(session, "Tỉnh B", level="province", code="92")
    c1 = f.unit(session, "Xã Một", parent=pa, code="91001")
    c2 = f.unit(session, "Xã Hai", parent=pa, code="91002")
    cb = f.unit(session, "Xã Ba", parent=pb, code="92001")
    start = dt.date(2025, 1, 1)
    s1 = f.channel(session, c1, active_from=start)
    s2 = f.channel(session, c2, active_from=start)
    s3 = f.channel(session, c1, kind="district_radio", active_from=start, name="Đài khu vực")
    sb = f.channel(session, cb, active_from=start)
    prog = f.programme(session, title="Cảnh báo bão số 3", seconds=30, priority="emergency")
    with_audio(session, prog)
    a.province_a, a.province_b = pa.id, pb.id
    a.communes = [c1.id, c2.id]
    a.stations_a, a.station_b, a.programme = [s1.id, s2.id, s3.id], sb.id, prog.id
    session.commit()
    return a


def tone_wav(path: Path, seconds: float = 3.0, rate: int = 16000) -> Path:
    """A spoken-level 440 Hz tone as 16-bit mono WAV (a stand-in for a recorded warning)."""
    frames = b"".join(
        struct.pack("<h", int(9000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return path
