"""Loudness-normalise and convert to the broadcast rendition in one streaming ffmpeg pass."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from audio import ffmpeg
from audio.analysis import AudioInfo, analyse, input_args
from audio.errors import ProcessingFailed
from audio.files import atomic_path
from audio.messages import N_, message
from audio.settings import AudioSettings

# Below this integrated loudness ebur128 has measured nothing (too short or gated out).
UNMEASURED_LUFS = -69.0
_I = re.compile(r"^\s*I:\s+(-?[\d.]+) LUFS", re.M)
_TP = re.compile(r"True peak:\s+Peak:\s+(-?inf|-?[\d.]+) dBFS", re.S)
MAX_ATTEMPTS = 4
MIN_RENDITION_SECONDS = 0.5
MAX_GAIN_DB = 30.0
# Aim inside 0.75 LU of the target (the promise is 1 LU) so most files need one render pass.
LOUDNESS_TOLERANCE_LU = 0.75
ENCODERS = {".mp3": ["-c:a", "libmp3lame"], ".wav": ["-c:a", "pcm_s16le"]}
# The limiter works on samples; MP3 coding and inter-sample peaks add a little on top.
LIMITER_MARGIN_DB = 1.0


@dataclass(frozen=True)
class Loudness:
    """Integrated loudness (LUFS) and true peak (dBTP) as ebur128 measures them."""

    integrated_lufs: float | None
    true_peak_dbtp: float


@dataclass(frozen=True)
class RenderResult:
    """What a rendition is: its length, the gain applied and its measured loudness."""

    path: str
    duration_seconds: float
    input_lufs: float | None
    gain_db: float
    output: Loudness
    trimmed_start: float
    trimmed_end: float


def measure_loudness(path: str | Path, container: str | None = None) -> Loudness:
    """EBU R128 integrated loudness and true peak of a file (ffmpeg's ebur128, streaming)."""
    args, _ = input_args(path)
    if container:  # our own renditions: a very short MP3 is too small for format probing
        args = ["-f", container, *args]
    chain = "ebur128=peak=true"
    proc = ffmpeg.run([*args, "-map", "0:a:0", "-vn", "-af", chain, "-f", "null", "-"])
    summary = proc.stderr[proc.stderr.rfind("Summary:") :]  # frame log lines also carry "I:"
    i_match, tp_match = _I.search(summary), _TP.search(summary)
    if proc.returncode != 0 or not i_match or not tp_match:
        raise ProcessingFailed(
            message(
                N_("loudness of %(file)s: %(reason)s"),
                file=Path(path).name,
                reason=ffmpeg.error_text(proc.stderr),
            )
        )
    value = float(i_match.group(1))
    tp = tp_match.group(1)
    return Loudness(
        integrated_lufs=None if value <= UNMEASURED_LUFS else value,
        true_peak_dbtp=-math.inf if "inf" in tp else float(tp),
    )


def gain_for(info: AudioInfo, fmt: AudioSettings) -> float:
    """Gain (dB) that brings the measured loudness to the target; 0 when it is unmeasurable."""
    if info.loudness_lufs is None or info.loudness_lufs <= UNMEASURED_LUFS:
        return 0.0
    return fmt.target_lufs - info.loudness_lufs


def render(
    src: str | Path,
    dest: str | Path,
    fmt: AudioSettings | None = None,
    info: AudioInfo | None = None,
    trim: bool | None = None,
) -> RenderResult:
    """Write dest (MP3 or WAV by extension): trimmed, normalised, limited, in the broadcast format.

    Loudness is measured first (one streaming decode), the gain and a look-ahead limiter are
    applied in a second pass, and the result is measured again: when MP3 coding pushed the true
    peak over the ceiling, it is rendered once more with a lower limiter ceiling.
    """
    fmt = fmt or AudioSettings()
    info = info or analyse(src, fmt.analysis_options())
    dest = Path(dest)
    encoder = ENCODERS.get(dest.suffix.lower())
    if encoder is None:
        raise ProcessingFailed(
            message(N_("%(file)s: the output must end in .mp3 or .wav"), file=dest.name)
        )
    start, end = info.speech_bounds() if (fmt.trim_silence if trim is None else trim) else (
        0.0, info.duration_seconds)  # fmt: skip
    span = (start, end) if start > 0 or end < info.duration_seconds else None
    gain = gain_for(info, fmt)
    ceiling = fmt.max_true_peak_dbtp - LIMITER_MARGIN_DB
    with atomic_path(dest, suffix=dest.suffix) as tmp:
        for _attempt in range(MAX_ATTEMPTS):
            _encode(src, tmp, fmt, encoder, gain, ceiling, span)
            out = measure_loudness(tmp, dest.suffix.lower().lstrip("."))
            over = out.true_peak_dbtp - fmt.max_true_peak_dbtp
            short = 0.0
            if out.integrated_lufs is not None and gain != 0.0:
                short = fmt.target_lufs - out.integrated_lufs
            if over <= 0 and abs(short) <= LOUDNESS_TOLERANCE_LU:
                break
            if over > 0:
                ceiling -= over + 0.3
            if abs(short) > LOUDNESS_TOLERANCE_LU:
                # Heavy limiting of a peaky recording lowers its loudness: push the gain up.
                gain = min(MAX_GAIN_DB, gain + short)
        if out.true_peak_dbtp > fmt.max_true_peak_dbtp:
            raise ProcessingFailed(
                message(
                    N_("the true peak of %(peak)s dBTP stays over the limit"),
                    peak=f"{out.true_peak_dbtp:.1f}",
                )
            )
    return RenderResult(
        path=str(dest),
        duration_seconds=end - start,
        input_lufs=info.loudness_lufs,
        gain_db=gain,
        output=out,
        trimmed_start=start,
        trimmed_end=info.duration_seconds - end,
    )


def _encode(
    src: str | Path,
    out: Path,
    fmt: AudioSettings,
    encoder: list[str],
    gain: float,
    ceiling_db: float,
    span: tuple[float, float] | None,
) -> None:
    """One ffmpeg pass: trim to span (None: keep all), convert, gain, limiter, encode."""
    args, _ = input_args(src)
    layout = "mono" if fmt.channels == 1 else "stereo"
    limit = min(1.0, max(0.0625, 10 ** (ceiling_db / 20)))
    trim = ""
    if span is not None:
        start, end = span
        trim = f"atrim=start={start:.4f}:end={end:.4f},asetpts=N/SR/TB,"
    chain = (
        f"{trim}aresample={fmt.sample_rate},aformat=sample_fmts=flt:channel_layouts={layout},"
        f"volume={gain:.3f}dB,alimiter=limit={limit:.5f}:level=0:latency=1:attack=5:release=50,"
        # A file shorter than one MP3 frame would give an MP3 without audio: pad it to 0.5 s.
        f"apad=whole_dur={MIN_RENDITION_SECONDS}"
    )
    bitrate = ["-b:a", f"{fmt.bitrate_kbps}k"] if encoder[1] == "libmp3lame" else []
    proc = ffmpeg.run(
        [
            *args,
            "-map",
            "0:a:0",
            "-vn",
            "-map_metadata",
            "-1",
            "-af",
            chain,
            "-ar",
            str(fmt.sample_rate),
            "-ac",
            str(fmt.channels),
            *encoder,
            *bitrate,
            "-f",
            "mp3" if encoder[1] == "libmp3lame" else "wav",
            "-y",
            str(out),
        ]  # fmt: skip
    )
    if proc.returncode != 0:
        raise ProcessingFailed(
            message(
                N_("%(file)s: %(reason)s"),
                file=Path(src).name,
                reason=ffmpeg.error_text(proc.stderr),
            )
        )
