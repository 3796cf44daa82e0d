"""Programme audio assets: original kept, rendition derived, duplicates recognised, atomic files."""

from __future__ import annotations

import dataclasses
import errno
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from audio import AudioSettings
from content.assets import (
    attach_to_programme,
    file_sha256,
    import_audio,
    needs_rendition,
    profile_name,
    rerender,
)
from content.errors import InvalidContent
from content.media_models import AudioAsset
from content.models import AuditEntry
from tests import factories
from tests.audio_helpers import ebur128, reference_duration

FMT = AudioSettings()


def _audio(testdata: Path, name: str) -> Path:
    return next((testdata / "audio").glob(f"*/{name}"))


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_import_keeps_original_and_derives_rendition(
    session: Session, testdata: Path, tmp_path: Path
) -> None:
    src = _audio(testdata, "test1-24bit.wav")
    programme = factories.programme(session, seconds=1)
    imported = import_audio(session, tmp_path, src, "tester", FMT, original_name="../../x y.wav")
    attach_to_programme(session, imported.asset, programme, "tester")
    session.commit()
    asset = imported.asset
    assert not imported.duplicate
    original = tmp_path / asset.original_path
    assert original.read_bytes() == src.read_bytes()  # untouched
    assert asset.sha256 == file_sha256(src) and asset.sha256 in original.name
    assert ".." not in asset.original_path and " " not in asset.original_path
    assert asset.original_name == "../../x y.wav"  # shown to people, never used as a path
    assert abs(asset.duration_ms / 1000 - reference_duration(src)) <= 0.05
    rendition = tmp_path / asset.rendition_path
    loudness, peak = ebur128(rendition)
    assert abs(loudness - FMT.target_lufs) <= 1.0 and peak <= FMT.max_true_peak_dbtp
    assert programme.duration_seconds == round(asset.rendition_duration_ms / 1000)
    assert not [p for p in _files(tmp_path) if ".tmp" in p.name]


def test_same_file_twice_is_recognised(session: Session, testdata: Path, tmp_path: Path) -> None:
    src = _audio(testdata, "party.mp3")
    first = import_audio(session, tmp_path, src, "a", FMT)
    copy = tmp_path / "elsewhere" / "renamed.mp3"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    second = import_audio(session, tmp_path / "media", copy, "b", FMT)
    assert second.duplicate and second.asset.id == first.asset.id
    assert session.scalar(select(func.count()).select_from(AudioAsset)) == 1


@pytest.mark.parametrize(
    "name", ["test1_empty.wav", "test-44100Hz-le-1ch-4bytes-early-eof.wav",
             "test-8000Hz-le-3ch-5S-24bit-inconsistent.wav"],
)  # fmt: skip
def test_refused_file_stores_nothing(
    session: Session, testdata: Path, tmp_path: Path, name: str
) -> None:
    with pytest.raises(InvalidContent) as exc:
        import_audio(session, tmp_path / "media", _audio(testdata, name), "t", FMT)
    assert exc.value.code in ("empty", "truncated", "invalid_header")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(AudioAsset)) == 0
    assert _files(tmp_path / "media") == []


def test_full_disk_leaves_no_half_written_file(
    session: Session, testdata: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audio.files

    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(audio.files.os, "fsync", no_space)
    with pytest.raises(OSError) as exc:
        import_audio(session, tmp_path / "media", _audio(testdata, "test4.wav"), "t", FMT)
    assert exc.value.errno == errno.ENOSPC
    session.rollback()
    assert _files(tmp_path / "media") == []
    assert session.scalar(select(func.count()).select_from(AudioAsset)) == 0


def test_silent_and_non_audio_files_refused(session: Session, tmp_path: Path) -> None:
    from pydub import AudioSegment
    from pydub.generators import Sine

    from audio.ffmpeg import configure_pydub

    configure_pydub()
    silent = tmp_path / "silent.wav"
    AudioSegment.silent(duration=3000, frame_rate=22050).export(silent, format="wav")
    mostly = tmp_path / "mostly.wav"
    tone = Sine(440).to_audio_segment(duration=100, volume=-10)
    (AudioSegment.silent(duration=5000) + tone + AudioSegment.silent(duration=5000)).export(
        mostly, format="wav"
    )
    text = tmp_path / "notes.mp3"
    text.write_text("không phải âm thanh")
    for path, code in ((silent, "silent"), (mostly, "silent"), (text, "unreadable")):
        with pytest.raises(InvalidContent) as exc:
            import_audio(session, tmp_path / "media", path, "t", FMT)
        assert exc.value.code == code, path
    assert _files(tmp_path / "media") == []


def test_trim_cuts_leading_and_trailing_silence(session: Session, tmp_path: Path) -> None:
    from pydub import AudioSegment
    from pydub.generators import Sine

    from audio.ffmpeg import configure_pydub

    configure_pydub()
    src = tmp_path / "padded.wav"
    tone = Sine(330).to_audio_segment(duration=4000, volume=-12)
    (AudioSegment.silent(duration=2000) + tone + AudioSegment.silent(duration=3000)).export(
        src, format="wav"
    )
    asset = import_audio(session, tmp_path / "media", src, "t", FMT).asset
    assert abs(asset.duration_ms - 9000) <= 50
    assert 4000 <= asset.rendition_duration_ms <= 4600  # the tone plus 0.2 s pads


def test_concurrent_import_of_same_file_keeps_winner_files(
    session_factory: sessionmaker[Session], testdata: Path, tmp_path: Path
) -> None:
    src = _audio(testdata, "tessst.mp3")
    media = tmp_path / "media"
    with session_factory() as first, session_factory() as second:
        a = import_audio(first, media, src, "a", FMT)
        first.commit()
        # The second session looked before the first committed: simulate by skipping its lookup.
        import content.assets as assets

        real = assets.find_by_hash
        calls: list[str] = []

        def late_lookup(s: Session, h: str) -> AudioAsset | None:
            calls.append(h)
            return None if len(calls) == 1 else real(s, h)

        assets.find_by_hash = late_lookup  # type: ignore[assignment]
        try:
            b = import_audio(second, media, src, "b", FMT)
        finally:
            assets.find_by_hash = real
        assert b.duplicate and b.asset.id == a.asset.id and len(calls) == 2
    assert (media / a.asset.rendition_path).is_file() and (media / a.asset.original_path).is_file()


def test_rerender_after_a_profile_change(session: Session, testdata: Path, tmp_path: Path) -> None:
    asset = import_audio(session, tmp_path, _audio(testdata, "test1-24bit.wav"), "t", FMT).asset
    session.commit()
    old_rel = asset.rendition_path
    quieter = dataclasses.replace(FMT, bitrate_kbps=64, target_lufs=-20.0)
    assert needs_rendition(asset, tmp_path, quieter) and not needs_rendition(asset, tmp_path, FMT)
    out = rerender(session, asset, tmp_path, quieter, "tester")
    session.commit()
    assert out.rendered and out.old_path == old_rel
    assert asset.rendition_path != old_rel and "64k" in asset.rendition_path
    assert asset.rendition_profile == profile_name(quieter)
    loudness, peak = ebur128(tmp_path / asset.rendition_path)
    assert abs(loudness + 20) <= 1.0 and peak <= quieter.max_true_peak_dbtp
    assert (tmp_path / old_rel).is_file()  # the caller removes it once committed
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "audio.rerender")).one()
    assert entry.entity_id == asset.id
    again = rerender(session, asset, tmp_path, quieter, "tester")
    assert not again.rendered and again.old_path is None


def test_rerender_restores_a_lost_rendition(
    session: Session, testdata: Path, tmp_path: Path
) -> None:
    asset = import_audio(session, tmp_path, _audio(testdata, "test1-24bit.wav"), "t", FMT).asset
    session.commit()
    (tmp_path / asset.rendition_path).unlink()
    assert needs_rendition(asset, tmp_path, FMT)
    out = rerender(session, asset, tmp_path, FMT, "tester")
    session.commit()
    assert out.rendered and out.old_path is None
    assert (tmp_path / asset.rendition_path).is_file()


def test_rerender_without_the_original_changes_nothing(
    session: Session, testdata: Path, tmp_path: Path
) -> None:
    asset = import_audio(session, tmp_path, _audio(testdata, "test1-24bit.wav"), "t", FMT).asset
    session.commit()
    before = _files(tmp_path)
    (tmp_path / asset.original_path).unlink()
    other = dataclasses.replace(FMT, bitrate_kbps=64)
    with pytest.raises(InvalidContent) as err:
        rerender(session, asset, tmp_path, other, "tester")
    assert err.value.code == "original_missing"
    session.rollback()
    session.refresh(asset)
    assert asset.rendition_profile == profile_name(FMT)
    assert _files(tmp_path) == [p for p in before if p.name not in asset.original_path]
