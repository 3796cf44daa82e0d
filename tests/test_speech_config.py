"""[speech] in config.toml: validated at start-up like every section, abbreviations cleaned."""

from __future__ import annotations

import unicodedata

import pytest

from audio.reading import DEFAULT_ABBREVIATIONS
from scheduler.config import ConfigError
from scheduler.speech import reader, voice
from tests.test_config import base
from web.settings import parse_app_settings


def test_shipped_section_is_valid_and_agrees_with_the_built_in_table(settings):
    s = settings.speech
    assert (s.backend, s.voice, s.speed) == ("espeak-ng", "vi", 1.0)
    assert {"UBND", "HĐND", "MTTQ", "NTM", "OCOP", "BCĐ", "TP.", "TX.", "TT.", "KP"} <= set(
        s.abbreviations
    )
    for key, reading in s.abbreviations.items():
        assert DEFAULT_ABBREVIATIONS.get(key, reading) == reading, key
    assert voice(settings).name == "vi"
    assert reader(settings).read("UBND xã") == "Ủy ban nhân dân xã."


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["speech"].update(backend="festival"), "'speech.backend'"),
        (lambda d: d["speech"].update(voice="en-us"), "'speech.voice': must be one of vi"),
        (lambda d: d["speech"].update(speed=3), "'speech.speed': must be between 0.5 and 2.0"),
        (lambda d: d["speech"].update(speed="fast"), "'speech.speed'"),
        (lambda d: d["speech"].update(max_characters=10), "'speech.max_characters'"),
        (lambda d: d["speech"].update(colour="x"), "unknown key 'speech.colour'"),
        (lambda d: d["speech"].update(backend="piper"), "'speech.piper_model': is needed"),
        (lambda d: d["speech"].update(backend="piper", piper_model="missing.onnx"),
         "is not a piper voice"),
        (lambda d: d["speech"]["abbreviations"].update({"UB ND": "x"}), "one word"),
        (lambda d: d["speech"]["abbreviations"].update({"UBND": ""}), "1 to 200 characters"),
        (lambda d: d["speech"]["abbreviations"].update({"UBND": "Ủy\x07ban"}), "control character"),
        (lambda d: d["speech"]["abbreviations"].update({"UBND": 5}), "must be a string"),
    ],
)  # fmt: skip
def test_bad_speech_values_name_the_key_and_file(mutate, message):
    data = base()
    mutate(data)
    with pytest.raises(ConfigError) as err:
        parse_app_settings(data, "/etc/loa.toml")
    assert message in str(err.value) and "/etc/loa.toml" in str(err.value)


def test_piper_model_relative_to_the_config_file(tmp_path):
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "vi.onnx").write_bytes(b"m")
    (tmp_path / "voices" / "vi.onnx.json").write_text("{}")
    data = base()
    data["speech"].update(backend="piper", piper_model="voices/vi.onnx", voice="any")
    settings = parse_app_settings(data, str(tmp_path / "loa.toml"), base_dir=str(tmp_path))
    assert voice(settings).piper_model == str(tmp_path / "voices" / "vi.onnx")


def test_abbreviations_enter_as_nfc_and_extend_the_defaults():
    data = base()
    key = unicodedata.normalize("NFD", "HĐTN")
    data["speech"]["abbreviations"][key] = unicodedata.normalize("NFD", "Hội đồng thi đua")
    settings = parse_app_settings(data, "/etc/loa.toml")
    assert settings.speech.abbreviations["HĐTN"] == "Hội đồng thi đua"
    assert reader(settings).read("HĐTN xã, UBND") == "Hội đồng thi đua xã, Ủy ban nhân dân."


def test_section_may_be_absent():
    data = base()
    del data["speech"]
    settings = parse_app_settings(data, "/etc/loa.toml")
    assert reader(settings).read("MTTQ") == "Mặt trận Tổ quốc."


def test_check_reports_whether_speech_works(settings, monkeypatch):
    from scheduler.speech import check_speech

    monkeypatch.setattr("audio.speech.espeak_path", lambda: None)
    ok, detail = check_speech(settings)
    assert not ok and "espeak-ng is not installed" in detail
