"""Domain errors and command output speak one language: the reader's, never "vi / en" pairs."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from click.testing import CliRunner

from audio.messages import TranslatableError
from scheduler import airings, schedules
from scheduler.bulk import parse
from scheduler.errors import Invalid, InvalidState, LoaError, NotFound
from scheduler.periods import Period, PeriodError, Week
from tests import factories as f
from web.catalogue import render_in

# Letters that only occur in Vietnamese text (English never has them).
VI_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
# Words of English sentences (a Vietnamese sentence holds none of them as a word).
EN_WORDS = re.compile(
    r"\b(the|is|are|does|not|must|cannot|needs?|only|already|there|has|have|with|which|"
    r"unknown|exist|required|use|before|after|nothing|was|were|this|that|of|and|or|to|in|on|"
    r"an?|choose|give|wrong|found|your|you|no|at|be)\b"
)


def assert_vietnamese(text: str) -> None:
    """Vietnamese only: Vietnamese letters, no English sentence words, no ' / ' pair."""
    assert VI_LETTERS & set(text.lower()), f"no Vietnamese in {text!r}"
    english = EN_WORDS.findall(_without_literals(text))
    assert not english, f"English words {english} in {text!r}"


def assert_english(text: str) -> None:
    """English only: no Vietnamese letter outside quoted values and proper names (Hà Nội)."""
    words = re.findall(r"\w+", _without_literals(text))
    found = VI_LETTERS & set("".join(w for w in words if not w[0].isupper()))
    assert not found, f"Vietnamese letters {found} in {text!r}"
    assert EN_WORDS.search(text.lower()), f"no English sentence in {text!r}"


def _without_literals(text: str) -> str:
    """Drop what is data, not language: quoted values, codes, paths, option names."""
    text = re.sub(r"'[^']*'|«[^»]*»|`[^`]*`|\S+\.(json|xlsx|csv|wav|mp3|toml)\b", " ", text)
    return re.sub(r"--[a-z-]+|\b[a-z]+_[a-z_]+\b|\[[^\]]*\]", " ", text)


def both(error: TranslatableError, english: str) -> None:
    """The error reads as English in logs and renders in one language for each reader."""
    assert english in str(error), str(error)
    assert_english(render_in(error, "en"))
    assert render_in(error, "en") == str(error)
    assert_vietnamese(render_in(error, "vi"))
    assert unicodedata.is_normalized("NFC", render_in(error, "vi"))


@pytest.mark.parametrize(
    ("text", "english", "code"),
    [
        ("2026-W54", "Week 54 does not exist in 2026", "period.week_range"),
        ("2026-W4x", "is not an ISO week", "period.week"),
    ],
)
def test_week_errors(text, english, code):
    with pytest.raises(PeriodError) as err:
        Week.parse(text)
    both(err.value, english)
    assert err.value.code == code and err.value.params["text" if "x" in text else "week"]


def test_period_errors():
    with pytest.raises(PeriodError) as err:
        Period.parse("2026-03-01..2026-01-01")
    both(err.value, "the range ends before it starts")
    vi = render_in(err.value, "vi")
    assert vi == "'2026-03-01..2026-01-01': ngày kết thúc trước ngày bắt đầu"


def test_bulk_cell_errors():
    with pytest.raises(ValueError, match="is not a time") as err:
        parse.time("6 giờ")
    both(err.value, "is not a time (use 06:00)")
    assert err.value.params == {"value": "6 giờ"}


def test_airing_errors_have_precise_codes_and_parameters(session, settings):
    with pytest.raises(NotFound) as err:
        airings.confirm_item(session, settings, 987654, "aired", "tester")
    assert err.value.code == "item.not_found" and err.value.http_status == 404
    assert err.value.public_params() == {"item": 987654}
    both(err.value, "Scheduled item 987654 does not exist")
    assert render_in(err.value, "vi") == "Không tìm thấy mục lịch 987654"
    with pytest.raises(Invalid) as err:
        airings.confirm_item(session, settings, 987654, "not_aired", "tester")
    assert err.value.code == "airing.reason.missing"
    both(err.value, "A reason is required")


def test_configured_labels_render_in_the_readers_language(session, settings):
    with pytest.raises(Invalid) as err:
        airings._check_status(settings, "not_aired", "khac", "  ")
    assert err.value.code == "airing.reason.text"
    label = settings.not_aired_reasons["khac"]
    assert label.en in render_in(err.value, "en") and label.vi in render_in(err.value, "vi")
    assert err.value.public_params() == {"reason": label.en}


def test_schedule_errors(session, settings):
    commune = f.unit(session, "Xã Tân Kim")
    ch = f.channel(session, commune)
    f.pattern(session, ch, "1234567", dt.time(6, 0), 30)
    week = schedules.materialise_week(session, settings, ch.id, Week(2026, 48), "planner")
    schedules.publish_week(session, week.id, "planner")
    with pytest.raises(NotFound) as err:
        schedules.copy_week(session, settings, ch.id, Week(2026, 46), Week(2026, 48), "planner")
    assert err.value.code == "schedule.not_found"
    both(err.value, "has no schedule for 2026-W46")
    schedules.materialise_week(session, settings, ch.id, Week(2026, 47), "planner")
    with pytest.raises(InvalidState) as err:
        schedules.copy_week(session, settings, ch.id, Week(2026, 47), Week(2026, 48), "planner")
    assert isinstance(err.value, LoaError) and err.value.code == "schedule.published"
    both(err.value, "2026-W48 is already published")


# --- the command line: one language per run ---------------------------------------------------

BAD_COMMANDS = [
    (["export", "-o", "export.txt"], "use a .json or .xlsx file name", "phải có đuôi .json"),
    (["plan", "--week", "2026-W60", "--unit", "1"], "Week 60 does not exist", "không tồn tại"),
    (["compliance", "--period", "2026-Q5"], "is not a period", "không phải kỳ báo cáo"),
    (["compliance", "--period", "2026-Q4", "--format", "xlsx"], "needs -o", "cần -o"),
    (["units", "list", "--on", "31/12/2026"], "must be YYYY-MM-DD", "phải có dạng"),
    (["feeds", "add", "ftp://x", "--every", "5"], "must start with http", "phải bắt đầu"),
    (["feeds", "poll", "--source", "999"], "There is no feed #999", "Không có nguồn tin"),
    (["users", "token", "ghost"], "There is no user 'ghost'", "Không có người dùng"),
    (["notifications", "retry", "42"], "no notification 42", "Không tìm thấy thông báo"),
    (["worker", "run-job", "backup_nightly", "--at", "soon"], "is not an ISO date", "ngày giờ"),
    (["programmes", "add", "--title", "X", "--topic", "ntm"], "--duration SECONDS", "SỐ_GIÂY"),
]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Invoke `loa` on a fresh database, in the folder of the test."""
    from web.cli import main

    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0

    def run(*args: str, env: dict[str, str | None] | None = None):
        return runner.invoke(main, list(args), env=env)

    return run


@pytest.mark.parametrize(("args", "english", "vietnamese"), BAD_COMMANDS)
def test_cli_bad_input_prints_one_language(cli, args, english, vietnamese):
    en = cli("--lang", "en", *args)
    assert en.exit_code != 0, en.output
    message = en.output.strip().splitlines()[-1].removeprefix("Error: ")
    assert english in message
    assert_english(message)
    vi = cli("--lang", "vi", *args)
    assert vi.exit_code == en.exit_code, vi.output
    message = vi.output.strip().splitlines()[-1].removeprefix("Lỗi: ").removeprefix("Error: ")
    assert vietnamese in message
    assert_vietnamese(message)


def test_cli_language_comes_from_loa_lang_else_the_config(cli):
    english = cli("export", "-o", "x.txt", env={"LOA_LANG": "en"})
    assert "use a .json or .xlsx file name" in english.output
    default = cli("export", "-o", "x.txt", env={"LOA_LANG": None})  # [locale].language = vi
    assert "tên tệp phải có đuôi .json hoặc .xlsx" in default.output


def test_cli_config_errors_use_lang_or_vietnamese(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[locale]\nlanguage = 'en'\ncolour = 1\n", encoding="utf-8")
    vi = cli("--config", str(bad), "db", "status", env={"LOA_LANG": None})
    assert vi.exit_code == 1 and "Lỗi cấu hình" in vi.output and "khóa 'locale.colour'" in vi.output
    en = cli("--config", str(bad), "--lang", "en", "db", "status")
    assert en.exit_code == 1 and "Configuration error" in en.output
    assert "unknown key 'locale.colour'" in en.output
