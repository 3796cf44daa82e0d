"""audio.speech: Vietnamese text to WAV through espeak-ng, then the broadcast rendition."""

from __future__ import annotations

import importlib.util
import sys
import types
import wave
from pathlib import Path

import pytest

from audio import render
from audio.speech import (
    ESPEAK_VOICES,
    SpeechError,
    SpeechUnavailable,
    Voice,
    check_voice,
    estimate_seconds,
    speak,
)
from tests.audio_helpers import ebur128, reference_duration
from tests.speech_helpers import espeak  # noqa: F401 - fixture

NOTICE = (
    "UBND xã Tân Kim thông báo: từ 7h30 ngày 05/12/2026, Trạm Y tế xã tổ chức tiêm vắc xin "
    "cho trẻ từ 1-5 tuổi. Mọi thắc mắc liên hệ 0208 3855 123."
)


@pytest.mark.parametrize("name", ESPEAK_VOICES)
@pytest.mark.usefixtures("espeak")
def test_each_vietnamese_voice_speaks_at_a_plausible_pace(tmp_path, name):
    speech = speak(NOTICE, tmp_path / "notice.wav", Voice(name=name))
    assert "Ủy ban nhân dân" in speech.reading and "7h30" not in speech.reading
    with wave.open(speech.path) as wav:
        assert wav.getnframes() / wav.getframerate() == pytest.approx(speech.duration_seconds)
    assert reference_duration(Path(speech.path)) == pytest.approx(speech.duration_seconds, 0.01)
    assert 2.0 <= speech.syllables_per_second <= 6.0
    estimate = estimate_seconds(speech.reading)
    assert 0.7 * speech.duration_seconds <= estimate <= 1.3 * speech.duration_seconds


@pytest.mark.usefixtures("espeak")
def test_rendition_decodes_at_broadcast_loudness(tmp_path):
    speech = speak(NOTICE, tmp_path / "notice.wav", Voice())
    result = render(speech.path, tmp_path / "notice.mp3")
    lufs, peak = ebur128(tmp_path / "notice.mp3")
    assert lufs == pytest.approx(-16.0, abs=1.0) and peak <= -1.0
    decoded = reference_duration(tmp_path / "notice.mp3")
    assert decoded == pytest.approx(result.duration_seconds, abs=0.1)
    syllables_per_second = speech.syllables / decoded
    assert 2.0 <= syllables_per_second <= 6.0


@pytest.mark.usefixtures("espeak")
def test_speed_changes_the_pace(tmp_path):
    normal = speak(NOTICE, tmp_path / "a.wav", Voice(speed=1.0))
    slow = speak(NOTICE, tmp_path / "b.wav", Voice(speed=0.7))
    assert slow.duration_seconds > normal.duration_seconds * 1.2


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "...", "🌀⚠️", "<p> </p>", "https://a.vn/x"])
def test_nothing_to_read_is_refused(tmp_path, text):
    with pytest.raises(SpeechError) as err:
        speak(text, tmp_path / "x.wav", Voice())
    assert err.value.code == "speech.empty"
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize(
    ("voice", "code"),
    [
        (Voice(backend="festival"), "speech.backend"),
        (Voice(name="en-us"), "speech.voice"),
        (Voice(speed=3.0), "speech.speed"),
        (Voice(speed=0.1), "speech.speed"),
    ],
)
def test_bad_voice_settings_are_refused(voice, code):
    with pytest.raises(SpeechError) as err:
        check_voice(voice)
    assert err.value.code == code


def test_missing_espeak_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr("audio.speech.espeak_path", lambda: None)
    with pytest.raises(SpeechUnavailable) as err:
        speak("Xin chào bà con", tmp_path / "x.wav", Voice())
    assert err.value.code == "speech.espeak_missing" and "espeak-ng" in str(err.value)
    assert not (tmp_path / "x.wav").exists()


def test_missing_piper_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "piper", None)  # import piper -> ImportError
    with pytest.raises(SpeechUnavailable) as err:
        speak("Xin chào bà con", tmp_path / "x.wav", Voice(backend="piper", piper_model="v.onnx"))
    assert err.value.code == "speech.piper_missing" and "piper-tts" in str(err.value)


class _FakePiperVoice:
    """Stands in for piper.PiperVoice with its real method names (piper-tts 1.3+ API)."""

    loaded: list[str] = []

    @classmethod
    def load(cls, model: str) -> _FakePiperVoice:
        cls.loaded.append(model)
        return cls()

    def synthesize_wav(self, text, wav_file, syn_config=None):
        wav_file.setframerate(16000)
        wav_file.setsampwidth(2)
        wav_file.setnchannels(1)
        samples = int(16000 * len(text.split()) * 0.3 * syn_config.length_scale)
        wav_file.writeframes(b"\x10\x00\xf0\xff" * (samples // 2))


def test_piper_backend_uses_the_operators_model(monkeypatch, tmp_path):
    fake = types.SimpleNamespace(
        PiperVoice=_FakePiperVoice,
        SynthesisConfig=lambda length_scale: types.SimpleNamespace(length_scale=length_scale),
    )
    monkeypatch.setitem(sys.modules, "piper", fake)
    voice = Voice(backend="piper", piper_model=str(tmp_path / "vi_VN-test.onnx"))
    with pytest.raises(SpeechUnavailable) as err:
        speak("Xin chào", tmp_path / "x.wav", voice)
    assert err.value.code == "speech.piper_model"
    (tmp_path / "vi_VN-test.onnx").write_bytes(b"model")
    (tmp_path / "vi_VN-test.onnx.json").write_text("{}")
    speech = speak("Xin chào 21 hộ", tmp_path / "x.wav", voice)
    assert speech.sample_rate == 16000 and speech.duration_seconds == pytest.approx(1.8, 0.01)
    slower = speak("Xin chào 21 hộ", tmp_path / "y.wav", Voice(**{**voice.__dict__, "speed": 0.5}))
    assert slower.duration_seconds == pytest.approx(3.6, 0.01)
    assert _FakePiperVoice.loaded.count(str((tmp_path / "vi_VN-test.onnx").resolve())) == 1


PIPER_VOICE = Path(__file__).parent / "data" / "piper" / "tiny-vi.onnx"


def test_real_piper_speaks_with_a_voice_file(tmp_path):
    """The real piper-tts package through Loa's backend, on a stand-in voice (tests/data/piper)."""
    if importlib.util.find_spec("piper") is None:
        pytest.skip("piper-tts is not installed (optional extra: pip install 'loa[piper]')")
    voice = Voice(backend="piper", piper_model=str(PIPER_VOICE))
    speech = speak("UBND xã thông báo: họp lúc 7h30.", tmp_path / "p.wav", voice)
    assert speech.sample_rate == 22050 and speech.duration_seconds > 0.5
    assert reference_duration(tmp_path / "p.wav") == pytest.approx(speech.duration_seconds, 0.01)
    longer = speak("UBND xã thông báo: họp lúc 7h30. " * 3, tmp_path / "q.wav", voice)
    assert longer.duration_seconds > 2.5 * speech.duration_seconds


def test_too_long_text_is_refused(tmp_path):
    with pytest.raises(SpeechError) as err:
        speak("a " * 60_000, tmp_path / "x.wav", Voice())
    assert err.value.code == "speech.too_long"
