"""Every real-world file under testdata/audio: imported with the right duration, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio import AudioError, AudioSettings, analyse, render
from audio.errors import EmptyAudio, InvalidHeader, Truncated
from content.assets import import_audio
from content.errors import InvalidContent
from content.media_models import AudioAsset
from tests.audio_helpers import ebur128, reference_duration
from tests.conftest import testdata_dir as _testdata_dir

AUDIO = _testdata_dir() / "audio"
FILES = sorted(p for p in AUDIO.glob("*/*") if p.suffix != ".md") if AUDIO.is_dir() else []
# The damaged WAVs (per SciPy's and pydub's own tests) and why each must be refused.
REFUSED = {
    "test1_empty.wav": EmptyAudio,
    "test-44100Hz-le-1ch-4bytes-early-eof.wav": Truncated,
    "test-44100Hz-le-1ch-4bytes-early-eof-no-data.wav": Truncated,
    "test-44100Hz-le-1ch-4bytes-incomplete-chunk.wav": Truncated,
    "test-8000Hz-le-3ch-5S-24bit-inconsistent.wav": InvalidHeader,
}
# Odd but valid: these must work (issue 5, "Must show").
MUST_WORK = {
    "test1-8bit.wav", "test-8000Hz-le-2ch-1byteu.wav", "test1-24bit.wav",
    "test-44100Hz-2ch-32bit-float-be.wav", "test-48000Hz-2ch-64bit-float-le-wavex.wav",
    "test-8000Hz-le-1ch-1byte-ulaw.wav", "test-44100Hz-le-1ch-4bytes-rf64.wav", "bach.ogg",
    "wrong_extension.aac", "format_test.m4a", "test5.webm",
}  # fmt: skip


def test_testdata_present(testdata: Path) -> None:
    assert len(FILES) >= 24, f"expected the audio test files under {AUDIO}"
    names = {p.name for p in FILES}
    assert set(REFUSED) <= names and names >= MUST_WORK


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_imports_with_right_duration_or_is_refused(path: Path) -> None:
    if path.name in REFUSED:
        with pytest.raises(REFUSED[path.name]) as exc:
            analyse(path)
        # A reason and the detail found, as a catalogue message (English in logs).
        assert exc.value.detail and str(exc.value).startswith(str(exc.value.summary) + ": ")
        return
    info = analyse(path)
    assert abs(info.duration_seconds - reference_duration(path)) <= 0.050
    assert info.channels >= 1 and info.sample_rate > 0 and info.codec


def test_every_file_imported_or_refused_with_nothing_stored(
    session: Session, tmp_path: Path
) -> None:
    """Through content.assets: rows, original, rendition and its loudness, or nothing at all."""
    fmt = AudioSettings()
    media = tmp_path / "media"
    for path in FILES:
        before = sorted(media.rglob("*")) if media.exists() else []
        if path.name in REFUSED:
            with pytest.raises(InvalidContent) as exc, session.begin_nested():
                import_audio(session, media, path, "t", fmt)
            assert exc.value.code == REFUSED[path.name].code
            assert (sorted(media.rglob("*")) if media.exists() else []) == before, path.name
            continue
        asset = import_audio(session, media, path, "t", fmt).asset
        assert abs(asset.duration_ms / 1000 - reference_duration(path)) <= 0.050, path.name
        assert (media / asset.original_path).read_bytes() == path.read_bytes()
        loudness, true_peak = ebur128(media / asset.rendition_path)
        assert true_peak <= fmt.max_true_peak_dbtp, (path.name, true_peak)
        if asset.input_lufs is not None:  # under 0.4 s the gate has nothing to measure
            assert abs(loudness - fmt.target_lufs) <= 1.0, (path.name, loudness)
    session.commit()
    stored = session.scalar(select(func.count()).select_from(AudioAsset))
    assert stored == len(FILES) - len(REFUSED) - 1  # wrong_extension.aac == format_test.m4a
    assert not [p for p in media.rglob("*") if ".tmp" in p.name]


def test_refused_files_leave_no_output(tmp_path: Path) -> None:
    for name in REFUSED:
        path = next(p for p in FILES if p.name == name)
        with pytest.raises(AudioError):
            render(path, tmp_path / "x.mp3")
    assert list(tmp_path.iterdir()) == []
