"""Decode a file once through ffmpeg and read back what it is: format, duration, level, silences."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from audio import ffmpeg
from audio.errors import EmptyAudio, SilentAudio, Unreadable
from audio.messages import N_, message
from audio.wav import WavHeader, read_header

_INPUT = re.compile(r"^Input #0, ([^,]+(?:,[^,]+)*?), from", re.M)
_STREAM = re.compile(r"Stream #0:(\d+)[^:]*: Audio: ([^,\s]+)[^,]*, (\d+) Hz, ([^,]+)")
_HEADER_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_OUT_TIME = re.compile(r"^out_time_us=(\d+)\s*$", re.M)
_PEAK = re.compile(r"Sample peak:\s+Peak:\s+(-?inf|-?[\d.]+) dBFS", re.S)
_LOUDNESS = re.compile(r"^\s*I:\s+(-?[\d.]+) LUFS", re.M)
_LRA = re.compile(r"^\s*LRA:\s+(-?[\d.]+) LU", re.M)
_TRUE_PEAK = re.compile(r"True peak:\s+Peak:\s+(-?inf|-?[\d.]+) dBFS", re.S)
_SIL_START = re.compile(r"silence_start: (-?[\d.]+)")
_SIL_END = re.compile(r"silence_end: (-?[\d.]+)")
_LAYOUT_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "quad": 4, "4.0": 4,
                    "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}  # fmt: skip


@dataclass(frozen=True)
class AnalysisOptions:
    """How to analyse: the format loudness is measured in and what counts as silence."""

    channels: int = 1
    silence_threshold_db: float = -50.0
    min_silence_seconds: float = 0.5
    silent_peak_db: float = -60.0
    max_silent_share: float = 0.95
    true_peak: bool = False


@dataclass(frozen=True)
class AudioInfo:
    """One decoded file: what it is, how long it really is, how loud and where it is silent."""

    path: str
    container: str
    codec: str
    channels: int
    sample_rate: int
    duration_seconds: float
    header_duration_seconds: float | None
    peak_dbfs: float
    loudness_lufs: float | None
    loudness_range_lu: float | None
    true_peak_dbtp: float | None
    silences: tuple[tuple[float, float], ...] = field(default_factory=tuple)

    @property
    def silent_seconds(self) -> float:
        """Total length of the detected silences."""
        return sum(end - start for start, end in self.silences)

    def speech_bounds(self, pad: float = 0.2) -> tuple[float, float]:
        """Start and end of the audio without leading/trailing silence (kept pad seconds)."""
        start, end = 0.0, self.duration_seconds
        for s, e in self.silences:
            if s <= 0.01:
                start = max(start, e - pad)
            if e >= self.duration_seconds - 0.01:
                end = min(end, s + pad)
        if end <= start:
            return 0.0, self.duration_seconds
        return max(0.0, start), min(self.duration_seconds, end)

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON output."""
        return {
            "path": self.path,
            "container": self.container,
            "codec": self.codec,
            "channels": self.channels,
            "sample_rate": self.sample_rate,
            "duration_seconds": round(self.duration_seconds, 3),
            "peak_dbfs": None if math.isinf(self.peak_dbfs) else round(self.peak_dbfs, 2),
            "loudness_lufs": self.loudness_lufs,
            "loudness_range_lu": self.loudness_range_lu,
            "true_peak_dbtp": self.true_peak_dbtp,
            "silent_seconds": round(self.silent_seconds, 2),
        }


def input_args(path: str | Path) -> tuple[list[str], WavHeader | None]:
    """ffmpeg input options for path (after checking a WAV header ourselves)."""
    header = read_header(path)
    if header is not None and header.container == "RIFX":
        return [*header.raw_input_args(), "-i", str(path)], header
    return ["-i", str(path)], header


def _float(text: str) -> float:
    return -math.inf if "inf" in text else float(text)


def analyse(path: str | Path, options: AnalysisOptions | None = None) -> AudioInfo:
    """Decode path once (streaming) and measure it; raise a typed AudioError when it is unusable."""
    opts = options or AnalysisOptions()
    path = Path(path)
    if not path.is_file():
        raise Unreadable(message(N_("no such file")))
    args, header = input_args(path)
    layout = "mono" if opts.channels == 1 else "stereo"
    # One decode at the native rate (a resampler swallows files of a few samples): the progress
    # report gives the decoded length to the microsecond, ebur128 the loudness and sample peak
    # in the broadcast channel layout, silencedetect the silences.
    peaks = "sample+true" if opts.true_peak else "sample"
    chain = (
        f"aformat=sample_fmts=flt:channel_layouts={layout},ebur128=peak={peaks},"
        f"silencedetect=n={opts.silence_threshold_db}dB:d={opts.min_silence_seconds}"
    )
    proc = ffmpeg.run(
        ["-progress", "pipe:2", *args, "-map", "0:a:0", "-vn", "-af", chain, "-f", "null", "-"]
    )
    err = proc.stderr
    summary = err[err.rfind("Summary:") :]  # ebur128's frame log lines also carry "I:"
    stream = _STREAM.search(err)
    if proc.returncode != 0 or stream is None:
        if proc.returncode == 0 or "matches no streams" in err:
            raise Unreadable(message(N_("no audio stream")))
        raise Unreadable(ffmpeg.error_text(err))
    times = _OUT_TIME.findall(err)
    duration = int(times[-1]) / 1e6 if times else 0.0
    if duration <= 0:
        raise EmptyAudio(message(N_("no samples could be decoded")))
    info = AudioInfo(
        path=str(path),
        container=_container(err, header),
        codec=stream.group(2),
        channels=header.channels if header else _channels(stream.group(4)),
        sample_rate=int(stream.group(3)),
        duration_seconds=duration,
        header_duration_seconds=_header_duration(err),
        peak_dbfs=_float(m.group(1)) if (m := _PEAK.search(summary)) else -math.inf,
        loudness_lufs=float(m.group(1)) if (m := _LOUDNESS.search(summary)) else None,
        loudness_range_lu=float(m.group(1)) if (m := _LRA.search(summary)) else None,
        true_peak_dbtp=_float(m.group(1)) if (m := _TRUE_PEAK.search(summary)) else None,
        silences=_silences(err, duration),
    )
    _check_not_silent(info, opts)
    return info


def _check_not_silent(info: AudioInfo, opts: AnalysisOptions) -> None:
    """Refuse silent files and files that are almost all silence."""
    if info.peak_dbfs <= opts.silent_peak_db:
        level = "-inf" if math.isinf(info.peak_dbfs) else f"{info.peak_dbfs:.1f}"
        raise SilentAudio(message(N_("peak level %(level)s dBFS"), level=level))
    share = info.silent_seconds / info.duration_seconds
    if info.duration_seconds >= 2 * opts.min_silence_seconds and share >= opts.max_silent_share:
        raise SilentAudio(
            message(
                N_("%(share)s of %(seconds)s s is silence"),
                share=f"{share:.0%}",
                seconds=f"{info.duration_seconds:.1f}",
            )
        )


def _container(err: str, header: WavHeader | None) -> str:
    if header is not None:
        return "wav" if header.container == "RIFF" else f"wav ({header.container})"
    m = _INPUT.search(err)
    return m.group(1) if m else "unknown"


def _channels(layout: str) -> int:
    layout = layout.strip()
    if layout in _LAYOUT_CHANNELS:
        return _LAYOUT_CHANNELS[layout]
    m = re.match(r"(\d+) channels", layout)
    return int(m.group(1)) if m else 0


def _header_duration(err: str) -> float | None:
    m = _HEADER_DURATION.search(err)
    if not m:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def _silences(err: str, duration: float) -> tuple[tuple[float, float], ...]:
    """Pair silence_start/silence_end lines; an unfinished silence runs to the end."""
    events = sorted(
        [(m.start(), "s", float(m.group(1))) for m in _SIL_START.finditer(err)]
        + [(m.start(), "e", float(m.group(1))) for m in _SIL_END.finditer(err)]
    )
    out: list[tuple[float, float]] = []
    start: float | None = None
    for _, kind, value in events:
        if kind == "s":
            start = max(0.0, value)
        elif start is not None:
            out.append((start, min(value, duration)))
            start = None
    if start is not None:
        out.append((start, duration))
    return tuple(out)


def probe(path: str | Path, channels: int = 1) -> AudioInfo:
    """Everything about a file, true peak included (what `loa audio probe` shows)."""
    return analyse(path, AnalysisOptions(channels=channels, true_peak=True))


def validate(path: str | Path, options: AnalysisOptions | None = None) -> AudioInfo:
    """Accept a file or raise the typed AudioError saying why not (unreadable, truncated...)."""
    return analyse(path, options)
