"""Programmes from text: made through the import pipeline, kept with their text, re-spoken on
edit (the old audio stays until the new one is stored), marked as synthesized."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.assets import attach_to_programme, import_audio
from content.errors import ContentNotFound, DuplicateContent, InvalidContent
from content.media_models import AudioAsset
from content.models import AuditEntry, Programme
from content.speech import (
    ProgrammeFields,
    SpeechSetup,
    preview,
    preview_path,
    programme_from_text,
    read_for_check,
    script_of,
    set_text,
    synthesized,
)
from scheduler.errors import Invalid
from scheduler.speech import check_fields, speech_setup
from tests.audio_helpers import ebur128, reference_duration
from tests.speech_helpers import espeak  # noqa: F401 - fixture

TEXT = (
    "THÔNG BÁO\nUBND xã Tân Kim thông báo lịch tiêm vắc xin sởi cho trẻ từ 1-5 tuổi vào "
    "7h30 ngày 05/12/2026 tại Trạm Y tế xã."
)
FIELDS = ProgrammeFields(title="Thông báo tiêm chủng", topics=("y_te",), programme_type="thong_bao")


@pytest.fixture
def setup(settings, tmp_path) -> SpeechSetup:
    return dataclasses.replace(speech_setup(settings), media_root=tmp_path / "media")


@pytest.mark.usefixtures("espeak")
def test_programme_from_text_goes_through_the_import_pipeline(
    session: Session,
    setup: SpeechSetup,
) -> None:
    p = programme_from_text(session, setup, FIELDS, TEXT, "planner")
    session.commit()
    asset = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
    assert asset is not None and p.approved_at is None and p.title == FIELDS.title
    rendition = setup.media_root / asset.rendition_path
    assert (setup.media_root / asset.original_path).is_file() and len(asset.sha256) == 64
    lufs, peak = ebur128(rendition)
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0
    seconds = reference_duration(rendition)
    assert p.duration_seconds == pytest.approx(seconds, abs=1)
    script = script_of(session, p.id)
    assert script is not None and script.text == TEXT and script.voice == "vi"
    assert "Ủy ban nhân dân" in script.reading and "hai nghìn không trăm hai mươi sáu" in (
        script.reading
    )
    syllables = len(script.reading.replace("-", " ").split())
    assert 2.0 <= syllables / seconds <= 6.0
    assert synthesized(session, [p.id, 999]) == {p.id}
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == p.id)))
    assert {"programme.create", "programme.script", "audio.attach"} <= actions


@pytest.mark.usefixtures("espeak")
def test_edit_speaks_again_and_needs_approval_again(
    session: Session,
    setup: SpeechSetup,
) -> None:
    p = programme_from_text(session, setup, FIELDS, TEXT, "planner", approve=True)
    session.commit()
    assert p.approved_by == "planner"
    first = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
    old_file = setup.media_root / first.rendition_path
    set_text(session, setup, p.id, TEXT + " Đề nghị bà con đưa trẻ đến đúng giờ.", "editor")
    session.commit()
    now = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
    assert now.id != first.id and old_file.is_file()  # the old audio is kept, detached
    session.refresh(first)
    assert first.programme_id is None
    assert p.approved_at is None and p.duration_seconds >= 1
    assert script_of(session, p.id).text.endswith("đúng giờ.")
    assert synthesized(session, [p.id]) == {p.id}


@pytest.mark.usefixtures("espeak")
def test_failed_synthesis_leaves_the_programme_as_it_was(
    session: Session,
    setup: SpeechSetup,
    monkeypatch,
) -> None:
    p = programme_from_text(session, setup, FIELDS, TEXT, "planner", approve=True)
    session.commit()
    before = session.scalar(select(AudioAsset.id).where(AudioAsset.programme_id == p.id))
    monkeypatch.setattr("audio.speech.espeak_path", lambda: None)
    with pytest.raises(InvalidContent) as err:
        set_text(session, setup, p.id, "Một văn bản khác hẳn.", "editor")
    session.rollback()
    assert err.value.code == "speech.espeak_missing"
    assert session.scalar(select(AudioAsset.id).where(AudioAsset.programme_id == p.id)) == before
    assert script_of(session, p.id).text == TEXT and session.get(Programme, p.id).approved_by


@pytest.mark.parametrize("text", ["", "  \n ", "...", "<b></b>"])
def test_empty_text_is_refused_and_nothing_written(
    session: Session, setup: SpeechSetup, text: str
) -> None:
    with pytest.raises(InvalidContent) as err:
        programme_from_text(session, setup, FIELDS, text, "planner")
    assert err.value.code == "speech.empty"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Programme)) == 0


def test_hostile_text_is_refused_at_the_door(session: Session, setup: SpeechSetup) -> None:
    with pytest.raises(InvalidContent) as err:
        programme_from_text(session, setup, FIELDS, "Thông báo\x00khẩn", "planner")
    assert err.value.code == "text.control"
    with pytest.raises(InvalidContent) as err:
        programme_from_text(session, setup, FIELDS, "a" * 20_001, "planner")
    assert err.value.code == "speech.too_long"


@pytest.mark.usefixtures("espeak")
def test_same_text_twice_is_one_programme(
    session: Session,
    setup: SpeechSetup,
) -> None:
    p = programme_from_text(session, setup, FIELDS, TEXT, "planner")
    session.commit()
    with pytest.raises(DuplicateContent) as err:
        programme_from_text(session, setup, FIELDS, TEXT, "planner")
    assert err.value.code == "speech.duplicate" and err.value.params["programme"] == p.id
    set_text(session, setup, p.id, TEXT, "planner")  # saving the same text again is harmless
    session.commit()
    assert session.scalar(select(func.count()).select_from(AudioAsset)) == 1


@pytest.mark.usefixtures("espeak")
def test_uploaded_recording_is_not_marked_synthesized(
    session: Session,
    setup: SpeechSetup,
    tmp_path: Path,
) -> None:
    p = programme_from_text(session, setup, FIELDS, TEXT, "planner")
    session.commit()
    other = programme_from_text(
        session, setup, dataclasses.replace(FIELDS, title="Khác"), "Tin vắn buổi sáng.", "p"
    )
    recording = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == other.id))
    current = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
    current.programme_id = None
    recording.programme_id = None
    session.flush()
    attach_to_programme(session, recording, p, "planner")  # p now airs other audio
    session.commit()
    assert synthesized(session, [p.id, other.id]) == set()
    assert import_audio  # the pipeline used for both


def test_unknown_programme_and_vocabulary(settings, session: Session, setup: SpeechSetup) -> None:
    with pytest.raises(ContentNotFound):
        set_text(session, setup, 4242, TEXT, "planner")
    with pytest.raises(Invalid) as err:
        check_fields(settings, dataclasses.replace(FIELDS, topics=("nope",)))
    assert err.value.code == "programme.vocabulary" and "nope" in str(err.value)
    check_fields(settings, FIELDS)


@pytest.mark.usefixtures("espeak")
def test_preview_and_reading_for_check(setup: SpeechSetup) -> None:
    reading, estimate = read_for_check(setup, "Gọi 0912 345 678")
    assert reading == "Gọi không chín một hai, ba bốn năm, sáu bảy tám." and estimate > 2
    shown = preview(setup, TEXT)
    assert shown.path.is_file() and preview_path(setup, shown.key) == shown.path
    assert 0.7 * shown.duration_seconds <= shown.estimate_seconds <= 1.3 * shown.duration_seconds
    assert preview_path(setup, "../../etc/passwd") is None
    assert preview_path(setup, "0" * 32) is None


@pytest.mark.usefixtures("espeak")
def test_preview_failure_is_a_message(setup: SpeechSetup, monkeypatch) -> None:
    from audio.errors import ProcessingFailed

    def broken(*_args, **_kwargs):
        raise ProcessingFailed("ffmpeg exploded")

    monkeypatch.setattr("content.speech.render", broken)
    with pytest.raises(InvalidContent) as err:
        preview(setup, "Thông báo về lịch họp thôn tháng này.")
    assert err.value.code == "speech.render" and "ffmpeg exploded" in str(err.value)
