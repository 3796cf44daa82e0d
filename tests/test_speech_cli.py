"""`loa speech ...`, `loa programmes add --text-file` and `loa programmes text`, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from content.db import make_engine, make_session_factory
from content.media_models import AudioAsset
from content.models import Programme
from content.script_models import ProgrammeScript
from tests.audio_helpers import ebur128, reference_duration
from tests.speech_helpers import espeak  # noqa: F401 - fixture
from tests.test_cli_content import _run, loa  # noqa: F401 - fixture
from web.cli import main
from web.settings import load_app_settings

NOTICE = "UBND xã thông báo: từ 7h30 ngày 05/12/2026 tạm dừng cấp nước trên QL3."


@pytest.mark.usefixtures("espeak")
def test_say_writes_a_broadcast_rendition(loa, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "notice.mp3"
    code, text = _run(loa, "--lang", "en", "speech", "say", NOTICE, "-o", str(out),
                      "--voice", "vi-vn-x-south", "--show-reading")  # fmt: skip
    assert code == 0, text
    assert "Ủy ban nhân dân xã thông báo: từ bảy giờ ba mươi phút" in text
    assert "quốc lộ ba" in text and "LUFS" in text
    lufs, peak = ebur128(out)
    assert lufs == pytest.approx(-16, abs=1) and peak <= -1
    assert 2 <= 40 / reference_duration(out) <= 6  # the reading has 40 syllables


def test_say_reads_a_file_or_standard_input(loa, tmp_path: Path) -> None:  # noqa: F811
    runner, config = loa
    result = runner.invoke(main, ["--config", str(config), "speech", "read", "-"],
                           input="Gọi 114\n")  # fmt: skip
    assert result.exit_code == 0 and "Gọi một một bốn." in result.output
    (tmp_path / "t.txt").write_text("Độ ẩm 85%", encoding="utf-8")
    code, text = _run(loa, "speech", "read", "--file", str(tmp_path / "t.txt"))
    assert code == 0 and "tám mươi lăm phần trăm" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["speech", "say", "   ", "-o", "x.mp3"], "there is no text to read aloud"),
        (["speech", "say", "Xin chào", "-o", "x.ogg"], "must end in .mp3 or .wav"),
        (["speech", "say", "Xin chào", "-o", "x.mp3", "--voice", "en"], "unknown espeak-ng voice"),
        (["speech", "say", "Xin chào", "-o", "x.mp3", "--speed", "9"], "between 0.5 and 2.0"),
        (["speech", "say", "a\x00b", "-o", "x.mp3"], "control character"),
        (["speech", "say", "-o", "x.mp3"], "give the text or --file FILE"),
        (["speech", "read", "--file", "/nonexistent/t.txt"], "cannot be read as UTF-8 text"),
    ],
)
def test_bad_input_is_a_clear_error(loa, tmp_path: Path, args, message) -> None:  # noqa: F811
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    code, text = _run(loa, "--lang", "en", *args)
    assert code != 0 and message in text, text
    assert not list(tmp_path.glob("x.*"))


def test_messages_follow_the_language(loa) -> None:  # noqa: F811
    code, text = _run(loa, "--lang", "vi", "speech", "read", "...")
    assert code == 1 and "không có nội dung để đọc" in text


def test_abbreviations_lists_the_table(loa) -> None:  # noqa: F811
    code, text = _run(loa, "speech", "abbreviations")
    assert code == 0 and "UBND\tỦy ban nhân dân" in text and "TP.\tthành phố" in text


@pytest.mark.usefixtures("espeak")
def test_programme_from_a_text_file_then_edited(loa, tmp_path: Path) -> None:  # noqa: F811
    runner, config = loa
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    code, text = _run(loa, "--lang", "en", "programmes", "add", "--title", "Tạm dừng cấp nước",
                      "--topic", "an_ninh_trat_tu", "--type", "thong_bao", "--text-file",
                      str(tmp_path / "notice.txt"))  # fmt: skip
    assert code == 0, text
    assert "added from text" in text and "waiting for approval" in text
    settings = load_app_settings(config)
    factory = make_session_factory(make_engine(settings.database.url, settings.base_dir))
    with factory() as session:  # closed before the next command needs the write lock
        p = session.scalar(select(Programme))
        asset = session.scalar(select(AudioAsset).where(AudioAsset.programme_id == p.id))
        assert p.duration_seconds > 5 and asset is not None
        assert session.get(ProgrammeScript, p.id).text == NOTICE
        pid = p.id
    (tmp_path / "new.txt").write_text(NOTICE + " Mong bà con thông cảm.", encoding="utf-8")
    code, text = _run(loa, "--lang", "en", "programmes", "text", str(pid), "--text-file",
                      str(tmp_path / "new.txt"))  # fmt: skip
    assert code == 0 and "needs approval again" in text, text
    with factory() as session:
        assert session.get(ProgrammeScript, pid).text.endswith("thông cảm.")
    code, text = _run(loa, "--lang", "en", "programmes", "text", "999", "--text-file",
                      str(tmp_path / "new.txt"))  # fmt: skip
    assert code == 1 and "programme 999 does not exist" in text
    code, text = _run(loa, "--lang", "en", "programmes", "add", "--title", "X", "--topic",
                      "nope", "--text-file", str(tmp_path / "new.txt"))  # fmt: skip
    assert code == 1 and "nope" in text
