"""Benchmark: a 300-word commune bulletin from text to the broadcast rendition, offline.

Usage: python bench/speech.py [--rounds 3] [--voice vi]
Target (issue 15): at least 10x real time with espeak-ng on this machine. Steps timed: the
reading (normalisation), synthesis (espeak-ng), the rendition (loudness-normalised MP3), and the
whole `programme_from_text` on a SQLite file (hash, original kept, rendition, rows). Also the
reading of hostile 20,000-character texts (it must stay linear). Peak memory is this process's
and every child's (espeak-ng, ffmpeg). Prints one line per step and a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import migrations  # noqa: E402
from audio import render  # noqa: E402
from audio.reading import Reader, syllable_count  # noqa: E402
from audio.settings import AudioSettings  # noqa: E402
from audio.speech import Voice, synthesize  # noqa: E402
from content.db import make_engine, make_session_factory, transaction  # noqa: E402
from content.speech import ProgrammeFields, SpeechSetup, programme_from_text  # noqa: E402

# A bulletin as a commune station airs it: notices with dates, times, figures, money, units,
# phone numbers and the usual abbreviations (about 300 words as written).
BULLETIN = """BẢN TIN TRUYỀN THANH XÃ TÂN KIM
Ngày 03/12/2026

Kính thưa bà con nhân dân! Sau đây là bản tin thời sự của Đài truyền thanh xã.

Tin thứ nhất: UBND xã vừa tổ chức hội nghị sơ kết công tác xây dựng NTM nâng cao năm 2026. \
Đến nay, xã có 21 thôn đạt chuẩn, thu nhập bình quân đạt 58,5 triệu đồng/người/năm, tỷ lệ hộ \
nghèo giảm còn 3,25%. Xã phấn đấu có thêm 2 sản phẩm OCOP 3 sao trong quý IV.

Tin thứ hai: Thực hiện Kế hoạch số 120/KH-UBND, từ 7h30 đến 11h00 các ngày 05/12 và 06/12/2026, \
Trạm Y tế xã tổ chức tiêm vắc xin sởi - rubella cho trẻ từ 1-5 tuổi tại Nhà văn hóa thôn Đồng \
Tâm. Đề nghị các gia đình mang theo sổ tiêm chủng và thẻ BHYT.

Tin thứ ba: Theo Trung tâm Dự báo khí tượng thủy văn, bão số 3 có khả năng gây mưa 200-300 mm, \
gió giật cấp 12, nhiệt độ thấp nhất 14°C. BCĐ PCTT&TKCN xã đề nghị bà con gia cố nhà cửa, thu \
hoạch sớm 150 ha lúa mùa, không đi qua ngầm tràn khi nước dâng cao.

Tin thứ tư: Xã hỗ trợ 50% kinh phí, tối đa 10 triệu đồng/hộ, cho các hộ làm nhà tiêu hợp vệ \
sinh. Hồ sơ nộp tại bộ phận một cửa trước 17h ngày 15/12/2026. Mọi thắc mắc xin liên hệ số \
điện thoại 0208 3855 123 hoặc 0912 345 678.

Tin thứ năm: Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc, UBMTTQ xã phối hợp với Hội Nông dân, \
Hội Cựu chiến binh và Đoàn Thanh niên tặng 35 suất quà, mỗi suất trị giá 500.000đ, cho các hộ có \
hoàn cảnh khó khăn. Lễ trao quà diễn ra lúc 8h ngày 10/12 tại Hội trường UBND xã.

Bản tin đến đây là kết thúc. Cảm ơn bà con đã lắng nghe.
"""

HOSTILE = {
    "digits": "1" * 20_000,
    "dotted": "1.1" * 6_000,
    "tags": "<" * 20_000,
    "dots": "a." * 10_000,
    "dashes": "1-" * 10_000,
    "scripts": "<script>" * 2_500,
    "brackets": "[a" * 10_000,
}


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def main() -> None:
    """Run every step `rounds` times and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--voice", default="vi")
    args = parser.parse_args()
    voice = Voice(name=args.voice)
    fmt = AudioSettings()
    reader = Reader()
    words = len(BULLETIN.split())
    times: dict[str, list[float]] = {"reading": [], "synthesis": [], "rendition": [], "whole": []}
    audio_seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in range(args.rounds):
            t0 = time.perf_counter()
            reading = reader.read(BULLETIN)
            t1 = time.perf_counter()
            speech = synthesize(reading, tmp / "bulletin.wav", voice)
            t2 = time.perf_counter()
            result = render(speech.path, tmp / "bulletin.mp3", fmt)
            t3 = time.perf_counter()
            times["reading"].append(t1 - t0)
            times["synthesis"].append(t2 - t1)
            times["rendition"].append(t3 - t2)
            audio_seconds = result.duration_seconds
            engine = make_engine(f"sqlite:///{tmp / f'loa{n}.db'}")
            migrations.upgrade(engine)
            setup = SpeechSetup(voice, reader, tmp / f"media{n}", fmt)
            fields = ProgrammeFields(title="Bản tin", topics=("thoi_su",))
            t4 = time.perf_counter()
            with transaction(make_session_factory(engine)) as session:
                programme_from_text(session, setup, fields, BULLETIN, "bench")
            times["whole"].append(time.perf_counter() - t4)
            engine.dispose()
        hostile = {}
        for name, text in HOSTILE.items():
            t0 = time.perf_counter()
            reader.read(text)
            hostile[name] = round(time.perf_counter() - t0, 3)
    median = {k: statistics.median(v) for k, v in times.items()}
    to_rendition = median["reading"] + median["synthesis"] + median["rendition"]
    own_mb, child_mb = peak_mb()
    syllables = syllable_count(reading)
    pace = syllables / audio_seconds
    print(f"bulletin: {words} words written, {syllables} syllables read, "
          f"{audio_seconds:.1f} s of audio ({pace:.2f} syllables/s)")  # fmt: skip
    for step, value in median.items():
        print(f"{step:>10}: {value:.3f} s (median of {args.rounds})")
    print(f"text -> rendition: {to_rendition:.2f} s, {audio_seconds / to_rendition:.1f}x real time"
          f" (target >= 10x); whole programme {audio_seconds / median['whole']:.1f}x")  # fmt: skip
    print(f"hostile 20k-character readings (s): {hostile}")
    print(f"peak memory: this process {own_mb:.0f} MB, largest child {child_mb:.0f} MB")
    print(json.dumps({
        "bench": "speech", "voice": args.voice, "words": words, "syllables": syllables,
        "audio_seconds": round(audio_seconds, 2),
        "seconds": {k: round(v, 3) for k, v in median.items()},
        "text_to_rendition_seconds": round(to_rendition, 3),
        "realtime_ratio": round(audio_seconds / to_rendition, 1),
        "whole_programme_ratio": round(audio_seconds / median["whole"], 1),
        "target_ratio": 10, "met": audio_seconds / to_rendition >= 10,
        "hostile_reading_seconds": hostile,
        "peak_mb": {"process": round(own_mb), "largest_child": round(child_mb)},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
