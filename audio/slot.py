"""Assemble one slot's audio: intro jingle, the programmes in order with short gaps, outro."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from audio import ffmpeg
from audio.analysis import input_args
from audio.errors import ProcessingFailed, Unreadable
from audio.files import atomic_path
from audio.messages import N_, message
from audio.settings import AudioSettings

_TIME = re.compile(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)")


@dataclass(frozen=True)
class SlotReel:
    """The assembled file of one slot."""

    path: str
    parts: int
    duration_seconds: float


def assemble(
    parts: list[Path],
    dest: str | Path,
    fmt: AudioSettings | None = None,
    gap_seconds: float = 1.0,
    intro: Path | None = None,
    outro: Path | None = None,
) -> SlotReel:
    """Concatenate intro, parts (gap_seconds of silence between them) and outro into dest (MP3).

    The parts are expected to be broadcast renditions (already loudness-normalised); everything
    is streamed through one ffmpeg process, so a long slot never sits in memory.
    """
    fmt = fmt or AudioSettings()
    if not parts:
        raise ProcessingFailed(message(N_("a slot reel needs at least one programme")))
    for part in [p for p in (intro, *parts, outro) if p is not None]:
        if not Path(part).is_file():
            raise Unreadable(message(N_("%(file)s: no such file"), file=str(part)))
    layout = "mono" if fmt.channels == 1 else "stereo"
    sequence: list[Path | None] = []  # None = a gap
    if intro is not None:
        sequence.append(intro)
    for i, part in enumerate(parts):
        if i and gap_seconds > 0:
            sequence.append(None)
        sequence.append(part)
    if outro is not None:
        sequence.append(outro)
    args: list[str] = []
    chains: list[str] = []
    labels: list[str] = []
    n_in = 0
    for k, item in enumerate(sequence):
        if item is None:
            chains.append(
                f"anullsrc=r={fmt.sample_rate}:cl={layout},atrim=duration={gap_seconds:.3f}[s{k}]"
            )
        else:
            args += input_args(item)[0]
            chains.append(
                f"[{n_in}:a:0]aresample={fmt.sample_rate},"
                f"aformat=sample_fmts=flt:channel_layouts={layout}[s{k}]"
            )
            n_in += 1
        labels.append(f"[s{k}]")
    graph = ";".join(chains) + f";{''.join(labels)}concat=n={len(labels)}:v=0:a=1[out]"
    dest = Path(dest)
    with atomic_path(dest, suffix=".mp3") as tmp:
        proc = ffmpeg.run(
            [*args, "-filter_complex", graph, "-map", "[out]", "-map_metadata", "-1",
             "-c:a", "libmp3lame", "-b:a", f"{fmt.bitrate_kbps}k", "-f", "mp3", "-y", str(tmp)]
        )  # fmt: skip
        if proc.returncode != 0:
            raise ProcessingFailed(
                message(N_("slot reel: %(reason)s"), reason=ffmpeg.error_text(proc.stderr))
            )
    return SlotReel(str(dest), len(parts), _duration(proc.stderr))


def _duration(stderr: str) -> float:
    """Length written, from ffmpeg's last progress line."""
    found = _TIME.findall(stderr)
    if not found:
        return 0.0
    h, m, s = found[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
