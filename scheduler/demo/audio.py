"""Audio for the demo's programmes, made at demo time (nothing is downloaded).

Each programme gets a short clip through the real import path (content.assets.import_audio:
validated, original kept, loudness-normalised MP3 rendition), so that the broadcaster's page
shows a player and a download link: a jingle of tones that differs per programme (the asset
store keeps one asset per content hash), then its title read aloud by the configured voice
([speech], espeak-ng by default); tones alone where no speech backend is installed. The
programme keeps its scheduled length: the clip is a sample, not the programme.
`make_clip` is any function writing a WAV for a programme.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.speech import SpeechError, speak
from audio.tones import jingle_before, write_jingle
from content.assets import import_audio
from content.media_models import AudioAsset
from content.models import Programme
from scheduler.config import Settings
from scheduler.media import media_root
from scheduler.models import ScheduledItem, Slot
from scheduler.periods import Week
from scheduler.speech import reader as speech_reader
from scheduler.speech import voice as speech_voice

ClipMaker = Callable[[Programme, Path], None]
# Programmes given audio: enough for a week of the showcase station, few enough to be quick.
MAX_CLIPS = 20


def tone_clip(programme: Programme, path: Path) -> None:
    """A 2-second jingle of four tones chosen from the programme's id."""
    write_jingle(path, programme.id)


def spoken_clip(settings: Settings) -> ClipMaker:
    """A jingle, then the programme's title read aloud; the jingle alone if speech fails."""
    voice, read = speech_voice(settings), speech_reader(settings)

    def make(programme: Programme, path: Path) -> None:
        said = path.with_suffix(".speech.wav")
        try:
            speak(programme.title, said, voice, reader=read)
        except SpeechError:  # no espeak-ng, no voice model: tones still make a demo
            tone_clip(programme, path)
            return
        jingle_before(said, path, programme.id)
        said.unlink(missing_ok=True)

    return make


def programmes_of_the_week(
    session: Session, channel_id: int, week: Week, today: dt.date, limit: int = MAX_CLIPS
) -> list[Programme]:
    """The channel's programmes this week, today's first, then the other days in order."""
    rows = list(
        session.execute(
            select(
                Slot.local_date, Slot.starts_at, ScheduledItem.position, ScheduledItem.programme_id
            )
            .join(ScheduledItem, ScheduledItem.slot_id == Slot.id)
            .where(Slot.channel_id == channel_id, Slot.local_date.between(week.monday, week.sunday))
        ).all()
    )
    rows.sort(key=lambda r: (r.local_date != today, r.starts_at, r.position))
    ids: list[int] = []
    for row in rows:
        if row.programme_id not in ids:
            ids.append(row.programme_id)
    chosen = ids[:limit]
    found = {p.id: p for p in session.scalars(select(Programme).where(Programme.id.in_(chosen)))}
    return [found[i] for i in chosen]


def add_demo_audio(
    session: Session,
    settings: Settings,
    programmes: list[Programme],
    actor: str = "demo",
    make_clip: ClipMaker | None = None,
) -> int:
    """Give each programme without audio a clip (spoken title by default); returns how many."""
    make_clip = make_clip or spoken_clip(settings)
    have = set(
        session.scalars(
            select(AudioAsset.programme_id).where(
                AudioAsset.programme_id.in_([p.id for p in programmes])
            )
        )
    )
    root, fmt = media_root(settings), settings.audio
    added = 0
    with tempfile.TemporaryDirectory(prefix="loa-demo-audio-") as tmp:
        for programme in programmes:
            if programme.id in have:
                continue
            path = Path(tmp) / f"{programme.id}.wav"
            make_clip(programme, path)
            imported = import_audio(
                session, root, path, actor, fmt, programme=programme,
                original_name=f"demo-{programme.id}.wav",
            )  # fmt: skip
            added += 0 if imported.duplicate else 1
    session.flush()
    return added
