"""Find the ffmpeg binary that ships with the install and run it; pydub is pointed at it too."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Sequence

from audio.errors import ProcessingFailed, ToolMissing
from audio.messages import N_, message

# The bundled binary comes from the imageio-ffmpeg wheel (a pyproject dependency), so nothing is
# downloaded at run time; LOA_FFMPEG or a system ffmpeg (Debian's package) are the fallbacks.
ENV_OVERRIDE = "LOA_FFMPEG"
_PREFIX = re.compile(r"^(\[[^\]]*\]\s*)+")


@functools.cache
def ffmpeg_path() -> str:
    """Path of the ffmpeg to use: $LOA_FFMPEG, imageio-ffmpeg's bundled binary, or the system's."""
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        if not (os.path.isfile(override) and os.access(override, os.X_OK)):
            raise ToolMissing(
                message(
                    N_("%(setting)s is not an executable file"),
                    setting=f"{ENV_OVERRIDE}={override}",
                )
            )
        return override
    try:
        import imageio_ffmpeg

        path = imageio_ffmpeg.get_ffmpeg_exe()
        if path and os.path.isfile(path):
            return str(path)
    except (ImportError, RuntimeError):
        pass
    found = shutil.which("ffmpeg")
    if found:
        return found
    raise ToolMissing()


@functools.cache
def configure_pydub() -> str:
    """Point pydub's AudioSegment at our ffmpeg (it has no ffprobe of its own); return the path."""
    from pydub import AudioSegment

    path = ffmpeg_path()
    AudioSegment.converter = path
    AudioSegment.ffmpeg = path
    return path


def run(args: Sequence[str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg quietly (no stdin, no banner) and return the finished process (text stderr)."""
    cmd = [ffmpeg_path(), "-nostdin", "-hide_banner", "-nostats", *args]
    try:
        return subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ProcessingFailed(
            message(N_("ffmpeg did not finish within %(seconds)s s"), seconds=timeout)
        ) from exc


def error_text(stderr: str, limit: int = 2) -> str:
    """The distinct reasons in ffmpeg's stderr (without its [demuxer @ 0x...] prefixes)."""
    reasons: list[str] = []
    for line in stderr.splitlines():
        text = _PREFIX.sub("", line.strip())
        if not text or text.startswith("Error opening input file"):
            continue
        if "error" in text.lower() or "invalid" in text.lower():
            text = text.split(": ", 1)[-1] if text.startswith("Error opening input") else text
            if text not in reasons:
                reasons.append(text)
    if not reasons:
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        reasons = lines[-1:]
    return " | ".join(reasons[-limit:])
