"""Programmes from text: synthesize, then store through the import pipeline; edit and re-speak.

The text is kept with the programme (ProgrammeScript). Synthesis and the rendition happen
before anything is written, so the old audio stays the programme's until the new one is ready,
and a failure leaves the programme as it was. Reusable by every caller that has typed text:
the library page, the CLI, the feed inbox and emergency broadcasts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio import AudioError, AudioSettings, render
from audio.reading import Reader
from audio.speech import Speech, SpeechError, Voice, estimate_seconds, speak
from content.assets import attach_to_programme, import_audio
from content.audit import record
from content.db import utcnow
from content.errors import N_, ContentNotFound, DuplicateContent, InvalidContent
from content.media_models import AudioAsset
from content.models import PRIORITIES, Programme, ProgrammeTopic
from content.script_models import ProgrammeScript
from content.text import clean_text

MAX_TITLE = 300
PREVIEW_FOLDER = "previews"
PREVIEW_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class SpeechSetup:
    """What making speech needs, from the settings: voice, reader, media folder, rendition."""

    voice: Voice
    reader: Reader
    media_root: Path
    rendition: AudioSettings
    max_characters: int = 20_000


@dataclass(frozen=True)
class ProgrammeFields:
    """A new programme's catalogue fields (codes already checked against the vocabularies)."""

    title: str
    topics: tuple[str, ...]
    programme_type: str = "tin"
    language: str = "vi"
    priority: str = "normal"
    producer: str | None = None
    code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True)
class Preview:
    """A text heard before it is saved: its reading, estimated and real length, the MP3."""

    reading: str
    syllables: int
    estimate_seconds: float
    duration_seconds: float
    key: str
    path: Path


def clean_script(text: object, max_characters: int) -> str:
    """The text at the door: NFC, no control characters, not empty, not too long."""
    cleaned = clean_text(text, field=N_("the text"), multiline=True)
    if not cleaned:
        raise InvalidContent(N_("there is no text to read aloud"), code="speech.empty")
    if len(cleaned) > max_characters:
        raise InvalidContent(
            N_("the text is too long to read aloud (%(length)s characters, at most %(limit)s)"),
            code="speech.too_long",
            length=len(cleaned),
            limit=max_characters,
        )
    return cleaned


def read_for_check(setup: SpeechSetup, text: str) -> tuple[str, float]:
    """The reading that will be spoken and its estimated length in seconds (no synthesis)."""
    reading = setup.reader.read(clean_script(text, setup.max_characters))
    if not _syllables(reading):
        raise InvalidContent(N_("there is no text to read aloud"), code="speech.empty")
    return reading, estimate_seconds(reading, setup.voice.speed)


def _speak(setup: SpeechSetup, text: str, folder: Path) -> Speech:
    try:
        return speak(text, folder / "speech.wav", setup.voice, reader=setup.reader)
    except SpeechError as exc:
        raise InvalidContent(exc.msgid, code=exc.code, **exc.params) from exc


def preview(setup: SpeechSetup, text: str) -> Preview:
    """Synthesize and render a text to a temporary MP3 under the media folder (kept a day)."""
    text = clean_script(text, setup.max_characters)
    reading = setup.reader.read(text)
    v = setup.voice
    key = hashlib.sha256(f"{v.backend}|{v.name}|{v.speed}|{reading}".encode()).hexdigest()[:32]
    folder = setup.media_root / PREVIEW_FOLDER
    dest = folder / f"{key}.mp3"
    _forget_old_previews(folder)
    try:
        if not dest.is_file():
            with tempfile.TemporaryDirectory() as tmp:
                speech = _speak(setup, text, Path(tmp))
                render(speech.path, dest, setup.rendition)
        duration = _mp3_seconds(dest)
    except AudioError as exc:
        raise InvalidContent(
            N_("the audio could not be made: %(detail)s"), code="speech.render", detail=str(exc)
        ) from exc
    return Preview(
        reading, _syllables(reading), estimate_seconds(reading, v.speed), duration, key, dest
    )


def preview_path(setup: SpeechSetup, key: str) -> Path | None:
    """The preview MP3 of a key given out by `preview`, if it is still there."""
    if len(key) != 32 or any(ch not in "0123456789abcdef" for ch in key):
        return None
    path = setup.media_root / PREVIEW_FOLDER / f"{key}.mp3"
    return path if path.is_file() else None


def _forget_old_previews(folder: Path) -> None:
    if not folder.is_dir():
        return
    limit = time.time() - PREVIEW_KEEP_SECONDS
    for old in folder.glob("*.mp3"):
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except FileNotFoundError:
            continue


def _mp3_seconds(path: Path) -> float:
    from audio import analyse

    return analyse(path).duration_seconds


def _syllables(reading: str) -> int:
    from audio.reading import syllable_count

    return syllable_count(reading)


def _import(session: Session, setup: SpeechSetup, speech: Speech, actor: str) -> AudioAsset:
    imported = import_audio(
        session,
        setup.media_root,
        speech.path,
        actor,
        setup.rendition,
        original_name="text-to-speech.wav",
    )
    return imported.asset


def _refuse_foreign(asset: AudioAsset, programme_id: int | None) -> None:
    """The same text in the same voice gives the same audio: it belongs to one programme."""
    if asset.programme_id is not None and asset.programme_id != programme_id:
        raise DuplicateContent(
            N_("the same text in the same voice is already programme #%(programme)s"),
            code="speech.duplicate",
            programme=asset.programme_id,
        )


def _keep_script(
    session: Session,
    programme: Programme,
    text: str,
    speech: Speech,
    setup: SpeechSetup,
    asset: AudioAsset,
    actor: str,
) -> ProgrammeScript:
    script = session.get(ProgrammeScript, programme.id) or ProgrammeScript(
        programme_id=programme.id
    )
    script.text, script.reading = text, speech.reading
    script.backend, script.voice = setup.voice.backend, _voice_label(setup.voice)
    script.speed, script.audio_asset_id = setup.voice.speed, asset.id
    script.synthesized_by, script.synthesized_at = actor, utcnow()
    session.add(script)
    session.flush()
    return script


def _voice_label(voice: Voice) -> str:
    return Path(voice.piper_model).name if voice.backend == "piper" else voice.name


def programme_from_text(
    session: Session,
    setup: SpeechSetup,
    fields: ProgrammeFields,
    text: str,
    actor: str,
    approve: bool = False,
) -> Programme:
    """A new programme whose audio is `text` read aloud, stored like uploaded audio.

    Unapproved unless `approve` (an emergency issued by someone allowed to approve it).
    """
    text = clean_script(text, setup.max_characters)
    title = clean_text(fields.title, field=N_("the title"))
    if not title or len(title) > MAX_TITLE:
        raise InvalidContent(
            N_("a programme needs a title (at most %(limit)s characters)"),
            code="programme.title",
            limit=MAX_TITLE,
        )
    if fields.priority not in PRIORITIES or not fields.topics:
        raise InvalidContent(
            N_("a programme needs a topic and a known priority"), code="programme.fields"
        )
    with tempfile.TemporaryDirectory() as tmp:
        speech = _speak(setup, text, Path(tmp))
        asset = _import(session, setup, speech, actor)
    _refuse_foreign(asset, None)
    now = utcnow()
    programme = Programme(
        code=fields.code,
        title=title,
        programme_type=fields.programme_type,
        language=fields.language,
        duration_seconds=0,
        producer=fields.producer,
        priority=fields.priority,
        valid_from=fields.valid_from,
        valid_to=fields.valid_to,
        created_by=actor,
        topic_links=[ProgrammeTopic(topic=t) for t in sorted(set(fields.topics))],
        approved_by=actor if approve else None,
        approved_at=now if approve else None,
    )
    session.add(programme)
    session.flush()
    record(
        session,
        actor,
        "programme.create",
        "programme",
        programme.id,
        after={"title": title, "topics": sorted(set(fields.topics)), "from_text": True},
    )
    attach_to_programme(session, asset, programme, actor)
    script = _keep_script(session, programme, text, speech, setup, asset, actor)
    record(
        session,
        actor,
        "programme.script",
        "programme",
        programme.id,
        after={"characters": len(text), "voice": script.voice, "audio_asset_id": asset.id},
    )
    return programme


def set_text(
    session: Session, setup: SpeechSetup, programme_id: int, text: str, actor: str
) -> Programme:
    """Replace a programme's text and speak it again; the new audio takes the old one's place
    only once it is stored. A changed text needs approval again."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise ContentNotFound(
            N_("programme %(programme)s does not exist"),
            code="programme.not_found",
            programme=programme_id,
        )
    text = clean_script(text, setup.max_characters)
    with tempfile.TemporaryDirectory() as tmp:
        speech = _speak(setup, text, Path(tmp))
        asset = _import(session, setup, speech, actor)
    _refuse_foreign(asset, programme.id)
    old = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == programme.id))
    script = session.get(ProgrammeScript, programme.id)
    before = {
        "characters": len(script.text) if script else None,
        "audio_asset_id": old.id if old else None,
        "approved_by": programme.approved_by,
    }
    attach_to_programme(session, asset, programme, actor)  # the old asset kept, detached
    changed = script is None or script.text != text or script.audio_asset_id != asset.id
    script = _keep_script(session, programme, text, speech, setup, asset, actor)
    if changed and programme.approved_at is not None:
        programme.approved_by, programme.approved_at = None, None
    session.flush()
    record(
        session,
        actor,
        "programme.script",
        "programme",
        programme.id,
        before=before,
        after={
            "characters": len(text),
            "voice": script.voice,
            "audio_asset_id": asset.id,
            "approved_by": programme.approved_by,
        },
    )
    return programme


def script_of(session: Session, programme_id: int) -> ProgrammeScript | None:
    """The programme's kept text, if it was made from text."""
    return session.get(ProgrammeScript, programme_id)


def synthesized(session: Session, programme_ids: list[int]) -> set[int]:
    """Which of these programmes air audio made from their text (not a recording)."""
    if not programme_ids:
        return set()
    query = (
        select(ProgrammeScript.programme_id)
        .join(AudioAsset, AudioAsset.id == ProgrammeScript.audio_asset_id)
        .where(ProgrammeScript.programme_id.in_(set(programme_ids)))
        .where(AudioAsset.programme_id == ProgrammeScript.programme_id)
    )
    return set(session.scalars(query))


def draft_with_audio(
    session: Session,
    setup: SpeechSetup,
    item_id: int,
    actor: str,
    topic: str | None = None,
    programme_type: str = "tin",
    language: str = "vi",
) -> Programme:
    """A feed item turned into a programme draft whose audio is its title and text read aloud."""
    from content.inbox import draft_programme

    programme = draft_programme(session, item_id, actor, topic, programme_type, language)
    text = f"{programme.title}\n{programme.description or ''}"
    return set_text(session, setup, programme.id, text, actor)
