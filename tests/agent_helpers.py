"""Station agent tests: tone programmes with real MP3 renditions, slots a few seconds ahead."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import imageio_ffmpeg
from sqlalchemy.orm import Session

from content.db import utcnow
from content.media_models import AudioAsset
from content.models import Programme
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import Channel, ScheduledItem, Slot
from scheduler.periods import Week, local_date_of
from tests import factories as f


def tone_mp3(path: Path, seconds: float, frequency: int = 440) -> None:
    """A mono MP3 sine tone of the given length (the broadcast rendition of a test programme)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"sine=frequency={frequency}:duration={seconds}", "-ac", "1", "-ar", "44100",
         "-b:a", "64k", str(path)],
        check=True,
    )  # fmt: skip


def programme_with_audio(
    session: Session,
    media_root: Path,
    seconds: int,
    title: str,
    frequency: int = 440,
    priority: str = "normal",
) -> Programme:
    """An approved programme whose rendition is a tone of `seconds` seconds in the media folder."""
    prog = f.programme(session, title=title, seconds=seconds, priority=priority)
    rel = f"renditions/test/{prog.id}-{frequency}.mp3"
    tone_mp3(media_root / rel, seconds, frequency)
    data = (media_root / rel).read_bytes()
    session.add(
        AudioAsset(
            programme_id=prog.id, sha256=hashlib.sha256(rel.encode()).hexdigest(),
            original_name="tone.mp3", original_path=rel, original_bytes=len(data),
            container="mp3", codec="mp3", channels=1, sample_rate=44100,
            duration_ms=seconds * 1000, rendition_path=rel,
            rendition_sha256=hashlib.sha256(data).hexdigest(), rendition_profile="test",
            rendition_duration_ms=seconds * 1000, created_by="test",
        )
    )  # fmt: skip
    session.flush()
    return prog


def station(session: Session, name: str = "Xã Có Máy", code: str = "93001") -> Channel:
    """A commune station (no slot patterns: the tests add their slots by hand)."""
    province = f.unit(session, f"Tỉnh {code}", level="province", code=code[:2])
    commune = f.unit(session, name, parent=province, code=code)
    return f.channel(session, commune, active_from=dt.date(2025, 1, 1))


def slot_at(
    session: Session,
    settings: Settings,
    channel_id: int,
    starts_at: dt.datetime,
    programme_ids: list[int],
    minutes: int = 5,
    publish: bool = True,
) -> tuple[Slot, list[ScheduledItem]]:
    """A slot added by hand at starts_at holding the programmes in order; its week published."""
    day = local_date_of(starts_at, settings.zone)
    sched = schedules.materialise_week(session, settings, channel_id, Week.of(day), "test")
    slot = Slot(
        schedule_id=sched.id, channel_id=channel_id, starts_at=starts_at.astimezone(dt.UTC),
        local_date=day, duration_minutes=minutes,
    )  # fmt: skip
    session.add(slot)
    session.flush()
    items = [schedules.add_item(session, slot.id, pid, "test") for pid in programme_ids]
    if publish and sched.state != "published":
        schedules.publish_week(session, sched.id, "test")
    session.flush()
    return slot, items


def soon(seconds: float) -> dt.datetime:
    """Now plus some seconds, whole seconds, UTC."""
    return (utcnow() + dt.timedelta(seconds=seconds)).replace(microsecond=0)
