"""Independent audio references for tests: libsndfile (soundfile), system ffmpeg and ffprobe."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from audio.ffmpeg import ffmpeg_path


def reference_duration(path: Path) -> float:
    """Duration from a decoder other than the one Loa runs: soundfile, else the system ffprobe."""
    try:
        import soundfile

        info = soundfile.info(str(path))
        if info.frames > 0:
            return info.frames / info.samplerate
    except Exception:  # noqa: BLE001 - libsndfile cannot read every container; fall back
        pass
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        pytest.skip("no independent decoder for this file (install ffmpeg for ffprobe)")
    out = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip())


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak from ffmpeg's ebur128 filter (system ffmpeg first)."""
    binary = shutil.which("ffmpeg") or ffmpeg_path()
    forced = ["-f", "mp3"] if path.suffix == ".mp3" else []  # tiny MP3s defeat probing
    proc = subprocess.run(
        [binary, "-nostdin", "-hide_banner", "-nostats", *forced, "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = proc.stderr[proc.stderr.rindex("Summary:") :]  # frame lines also carry "I:"
    i = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", summary)[-1])
    tp = re.findall(r"True peak:\s+Peak:\s+(-?inf|-?[\d.]+)", summary, re.S)[-1]
    return i, float("-inf") if "inf" in tp else float(tp)
