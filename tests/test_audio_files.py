"""Every real-world file under testdata/audio: imported with the right duration, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio import AudioError, RenditionFormat, analyse, render
from audio.errors import EmptyAudio, InvalidHeader, Truncated
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
        assert "/" in str(exc.value) and len(str(exc.value)) > 30  # vi / en reason + detail
        return
    info = analyse(path)
    assert abs(info.duration_seconds - reference_duration(path)) <= 0.050
    assert info.channels >= 1 and info.sample_rate > 0 and info.codec


LOUD_ENOUGH = [p for p in FILES if p.name not in REFUSED and p.stat().st_size > 5000]


@pytest.mark.parametrize("path", LOUD_ENOUGH, ids=lambda p: p.name)
def test_normalised_rendition_meets_target(path: Path, tmp_path: Path) -> None:
    fmt = RenditionFormat()
    out = tmp_path / "out.mp3"
    result = render(path, out, fmt)
    loudness, true_peak = ebur128(out)
    if result.output.integrated_lufs is None:  # under 0.4 s: nothing for the gate to measure
        assert true_peak <= fmt.max_true_peak_dbtp
        return
    assert abs(loudness - fmt.target_lufs) <= 1.0, (loudness, result)
    assert true_peak <= fmt.max_true_peak_dbtp, (true_peak, result)
    assert not list(tmp_path.glob(".*tmp*")), "temporary file left behind"


def test_refused_files_leave_no_output(tmp_path: Path) -> None:
    for name in REFUSED:
        path = next(p for p in FILES if p.name == name)
        with pytest.raises(AudioError):
            render(path, tmp_path / "x.mp3")
    assert list(tmp_path.iterdir()) == []
