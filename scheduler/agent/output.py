"""Where the agent plays: nowhere in real time (null), WAV files (wav:DIR), a sound card.

Audio is decoded by the ffmpeg that Loa ships (imageio-ffmpeg) to 16-bit mono PCM and written
in 100 ms chunks paced to the clock; a pre-emption fades the item out within a second.
"""

from __future__ import annotations

import array
import contextlib
import shutil
import subprocess
import threading
import time
import wave
from pathlib import Path
from typing import Protocol

from audio.messages import N_
from scheduler.agent.config import AgentError

RATE = 44100
CHUNK_SECONDS = 0.1
CHUNK_BYTES = int(RATE * CHUNK_SECONDS) * 2
FADE_SECONDS = 0.5


class OutputFailed(AgentError):
    """The sound output could not be opened or broke while playing."""


def ffmpeg() -> str:
    """The ffmpeg binary Loa ships (imported late: only when something plays)."""
    import imageio_ffmpeg

    exe: str = imageio_ffmpeg.get_ffmpeg_exe()  # imageio_ffmpeg is untyped
    return exe


class Sink(Protocol):
    """An opened output for one item."""

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...


class NullSink:
    """Plays to nowhere (the pacing makes it real time)."""

    def write(self, pcm: bytes) -> None:
        """Discard."""

    def close(self) -> None:
        """Nothing to close."""


class WavSink:
    """One WAV file per item, named by the item's id."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._wav = wave.open(str(path), "wb")  # noqa: SIM115 (closed by close())
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(RATE)

    def write(self, pcm: bytes) -> None:
        """Append samples."""
        self._wav.writeframes(pcm)

    def close(self) -> None:
        """Finish the header."""
        self._wav.close()


def device_command(device: str) -> list[str]:
    """The player for a device: PulseAudio through Loa's ffmpeg ("pulse" or "pulse:SINK"),
    else an ALSA device through aplay (alsa-utils) or the system's ffmpeg (Loa's own ffmpeg
    from imageio-ffmpeg has no ALSA output)."""
    pcm = ["-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "-"]
    if device == "pulse" or device.startswith("pulse:"):
        sink = device.partition(":")[2] or "default"
        return [ffmpeg(), "-nostdin", "-loglevel", "error", *pcm, "-f", "pulse", sink]
    aplay = shutil.which("aplay")
    if aplay:
        return [aplay, "-q", "-D", device, "-t", "raw", "-f", "S16_LE", "-r", str(RATE), "-c", "1"]
    system = shutil.which("ffmpeg")
    if system:
        return [system, "-nostdin", "-loglevel", "error", *pcm, "-f", "alsa", device]
    raise OutputFailed(
        N_("No player for the sound card %(device)s: install alsa-utils (aplay)"),
        code="agent.output.player",
        device=device,
    )


class DeviceSink:
    """A sound card (a broken card or a missing player is an output error)."""

    def __init__(self, device: str) -> None:
        cmd = device_command(device)
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise OutputFailed(N_("The sound output stopped"), code="agent.output.failed") from exc

    def write(self, pcm: bytes) -> None:
        """Send samples to the card."""
        if self._proc.poll() is not None or self._proc.stdin is None:
            raise OutputFailed(N_("The sound output stopped"), code="agent.output.failed")
        try:
            self._proc.stdin.write(pcm)
        except (BrokenPipeError, OSError) as exc:
            raise OutputFailed(N_("The sound output stopped"), code="agent.output.failed") from exc

    def close(self) -> None:
        """Let the card drain, then stop."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()


class Output:
    """The configured output: opens a sink per item."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.kind, _, self.target = spec.partition(":")

    def open(self, item_id: int | str) -> Sink:
        """A sink for one item (or an emergency broadcast, named emergency-<delivery id>)."""
        if self.kind == "wav":
            return WavSink(Path(self.target) / f"{item_id}.wav")
        if self.kind == "device":
            return DeviceSink(self.target)
        return NullSink()


def _fade(pcm: bytes, start: float, step: float) -> tuple[bytes, float]:
    """Scale samples by a gain going down from start by step per sample."""
    samples = array.array("h", pcm)
    gain = start
    for i, value in enumerate(samples):
        samples[i] = int(value * max(gain, 0.0))
        gain -= step
    return samples.tobytes(), max(gain, 0.0)


def play_file(
    path: Path,
    sink: Sink,
    stop: threading.Event,
    progress: callable | None = None,  # type: ignore[valid-type]
) -> tuple[float, bool]:
    """Play a file into a sink in real time; (seconds played, finished) — fades out on stop."""
    cmd = [ffmpeg(), "-nostdin", "-loglevel", "error", "-i", str(path), "-f", "s16le",
           "-ac", "1", "-ar", str(RATE), "-"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    written = 0
    began = time.monotonic()
    fading: float | None = None
    step = 1.0 / (RATE * FADE_SECONDS)
    finished = False
    try:
        while True:
            pcm = proc.stdout.read(CHUNK_BYTES)
            if not pcm:
                finished = fading is None
                break
            if stop.is_set() and fading is None:
                fading = 1.0
            if fading is not None:
                pcm, fading = _fade(pcm, fading, step)
            sink.write(pcm)
            written += len(pcm) // 2
            if progress is not None:
                progress(written / RATE)
            if fading is not None and fading <= 0.0:
                break
            ahead = began + written / RATE - time.monotonic() - CHUNK_SECONDS
            if ahead > 0:
                time.sleep(ahead)
        # wait out the last chunk so that "seconds played" is real time
        left = began + written / RATE - time.monotonic()
        if left > 0:
            time.sleep(left)
    finally:
        proc.kill()
        proc.wait()
        sink.close()
    return written / RATE, finished
