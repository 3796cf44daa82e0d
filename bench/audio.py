"""Benchmark: import a 15-minute programme (MP3 -> loudness-normalised MP3 rendition).

Usage: python bench/audio.py [--minutes 15] [--rounds 2]
Targets (issue 5): at least 30x real time, peak memory under 300 MB (this process and every
ffmpeg it ran), and at most 2.5x the time of a plain ffmpeg transcode of the same file, measured
in the same run with the same ffmpeg. Prints one line per step and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audio import ffmpeg  # noqa: E402
from audio.settings import AudioSettings  # noqa: E402
from content.assets import import_audio  # noqa: E402
from content.db import make_engine, make_session_factory, transaction  # noqa: E402

# Speech-like programme: pink noise shaped into syllables (~4/s) and phrases with pauses,
# stereo 44.1 kHz 128 kbps, quieter than the target so normalisation has work to do.
SPEECH = (
    "anoisesrc=color=pink:amplitude=0.35:sample_rate=44100:seed=7,"
    "lowpass=f=3400,highpass=f=120,"
    "volume='0.05+0.95*gt(sin(2*PI*t/7)+0.6,0)*pow(abs(sin(2*PI*3.7*t)),2)':eval=frame,"
    "aformat=channel_layouts=stereo"
)


def make_programme(path: Path, minutes: float) -> None:
    """Write a realistic programme MP3 of the given length."""
    proc = ffmpeg.run(["-f", "lavfi", "-t", str(minutes * 60), "-i", SPEECH,
                       "-c:a", "libmp3lame", "-b:a", "128k", "-y", str(path)])  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-500:])


def cpu_seconds() -> float:
    """CPU time used so far by this process and the ffmpeg processes it waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def plain_transcode(src: Path, dest: Path, fmt: AudioSettings) -> float:
    """Time a bare ffmpeg MP3 -> MP3 transcode to the rendition's rate, channels and bitrate."""
    t0 = time.perf_counter()
    rate, channels, bitrate = str(fmt.sample_rate), str(fmt.channels), f"{fmt.bitrate_kbps}k"
    proc = ffmpeg.run(["-i", str(src), "-ar", rate, "-ac", channels,
                       "-c:a", "libmp3lame", "-b:a", bitrate, "-y", str(dest)])  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-500:])
    return time.perf_counter() - t0


def main() -> None:
    """Generate the programme, then time plain transcodes and full imports alternately."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    fmt = AudioSettings()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src = root / "programme.mp3"
        t0 = time.perf_counter()
        make_programme(src, args.minutes)
        print(f"generated {args.minutes:g} min programme ({src.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
        engine = make_engine(f"sqlite:///{root}/bench.db")
        import migrations

        migrations.upgrade(engine)
        factory = make_session_factory(engine)
        transcodes, imports, cpu_plain, cpu_import = [], [], [], []
        result = None
        for r in range(args.rounds):
            c0 = cpu_seconds()
            transcodes.append(plain_transcode(src, root / f"plain{r}.mp3", fmt))
            cpu_plain.append(cpu_seconds() - c0)
            media = root / f"media{r}"
            c0 = cpu_seconds()
            t0 = time.perf_counter()
            with transaction(factory) as session:
                imported = import_audio(session, media, src, "bench", fmt)
                result = (imported.asset.rendition_lufs, imported.asset.rendition_true_peak_dbtp,
                          imported.asset.duration_ms)  # fmt: skip
                session.rollback()  # keep the next round a first-time import
            imports.append(time.perf_counter() - t0)
            cpu_import.append(cpu_seconds() - c0)
            print(f"round {r + 1}: plain transcode {transcodes[-1]:.2f} s "
                  f"(cpu {cpu_plain[-1]:.2f} s), import {imports[-1]:.2f} s "
                  f"(cpu {cpu_import[-1]:.2f} s)", flush=True)  # fmt: skip
    seconds = args.minutes * 60
    best_import, best_plain = min(imports), min(transcodes)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "bench": "audio",
        "programme_seconds": seconds,
        "import_seconds": round(best_import, 2),
        "realtime_factor": round(seconds / best_import, 1),
        "plain_transcode_seconds": round(best_plain, 2),
        "ratio_to_plain": round(best_import / best_plain, 2),
        # CPU seconds are steadier than wall time on a shared machine; reported alongside.
        "ratio_to_plain_cpu": round(min(cpu_import) / min(cpu_plain), 2),
        "peak_rss_mb_python": round(own, 1),
        "peak_rss_mb_ffmpeg": round(children, 1),
        "rendition_lufs": result[0] if result else None,
        "rendition_true_peak_dbtp": result[1] if result else None,
    }
    figures["ok"] = bool(
        figures["realtime_factor"] >= 30
        and figures["ratio_to_plain"] <= 2.5
        and max(own, children) < 300
    )
    print(f"import {best_import:.2f} s = {seconds / best_import:.0f}x real time; plain "
          f"transcode {best_plain:.2f} s; ratio {best_import / best_plain:.2f}; peak RSS "
          f"python {own:.0f} MB, ffmpeg {children:.0f} MB")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
