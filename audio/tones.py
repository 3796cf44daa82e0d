"""Short tone jingles written as WAV files: test and demo audio made on the spot.

A jingle is four tones of a pentatonic scale picked from a seed, so that different seeds give
different files (and different content hashes), with short fades and a little silence around.
"""

from __future__ import annotations

from pathlib import Path

from pydub import AudioSegment
from pydub.generators import Sine

# C major pentatonic, two octaves' worth of bright notes.
NOTES = (523.25, 587.33, 659.25, 783.99, 880.0, 1046.5)
RATE = 22050


def write_jingle(path: str | Path, seed: int, notes: int = 4, note_ms: int = 420) -> Path:
    """Write a mono WAV jingle for `seed` to `path` (about 2 s) and return the path."""
    clip = AudioSegment.silent(duration=120, frame_rate=RATE)
    n = abs(seed)
    for _ in range(notes):
        freq = NOTES[n % len(NOTES)]
        n //= len(NOTES)
        tone = Sine(freq, sample_rate=RATE).to_audio_segment(duration=note_ms, volume=-14)
        clip += tone.fade_in(15).fade_out(90)
    clip += AudioSegment.silent(duration=200, frame_rate=RATE)
    clip.set_channels(1).export(str(path), format="wav")
    return Path(path)


def jingle_before(speech: str | Path, path: str | Path, seed: int) -> Path:
    """Write the seed's jingle, a short pause, then the spoken WAV `speech`, to `path` (mono).

    The jingle makes each file distinct even when two spoken texts are the same.
    """
    voice = AudioSegment.from_wav(str(speech)).set_channels(1)
    jingle = AudioSegment.silent(duration=120, frame_rate=voice.frame_rate)
    n = abs(seed)
    for _ in range(3):
        freq = NOTES[n % len(NOTES)]
        n //= len(NOTES)
        tone = Sine(freq, sample_rate=voice.frame_rate).to_audio_segment(duration=260, volume=-16)
        jingle += tone.fade_in(15).fade_out(60)
    pause = AudioSegment.silent(duration=350, frame_rate=voice.frame_rate)
    (jingle + pause + voice + pause).export(str(path), format="wav")
    return Path(path)
