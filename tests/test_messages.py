"""Domain errors speak Vietnamese first, then English ("vi / en"), and keep their codes."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from scheduler import airings, schedules
from scheduler.bulk import parse
from scheduler.errors import Invalid, InvalidState, LoaError, NotFound
from scheduler.periods import Period, PeriodError, Week
from tests import factories as f

# Letters that only occur in Vietnamese text (the English half never has them).
VI_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")


def assert_bilingual(text: str, english: str) -> None:
    """Vietnamese (with diacritics) before ' / ', the English text after it."""
    vi, sep, en = text.partition(" / ")
    assert sep, text
    assert VI_LETTERS & set(vi.lower()), f"no Vietnamese before ' / ': {text!r}"
    assert english in en, text


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("2026-W54", "week 54 does not exist in 2026"),
        ("2026-W4x", "is not an ISO week"),
    ],
)
def test_week_errors(text, english):
    with pytest.raises(PeriodError) as err:
        Week.parse(text)
    assert_bilingual(str(err.value), english)


def test_period_errors():
    with pytest.raises(PeriodError) as err:
        Period.parse("2026-03-01..2026-01-01")
    assert_bilingual(str(err.value), "the range ends before it starts")


def test_bulk_cell_errors():
    with pytest.raises(ValueError, match="is not a time") as err:
        parse.time("6 giờ")
    assert_bilingual(str(err.value), "is not a time (use 06:00)")


def test_airing_errors_keep_codes(session, settings):
    with pytest.raises(NotFound) as err:
        airings.confirm_item(session, settings, 987654, "aired", "tester")
    assert err.value.code == "not_found" and err.value.http_status == 404
    assert str(err.value).startswith("không tìm thấy mục lịch 987654 / ")
    assert_bilingual(str(err.value), "scheduled item 987654 does not exist")
    with pytest.raises(Invalid) as err:
        airings.confirm_item(session, settings, 987654, "not_aired", "tester")
    assert err.value.code == "reason"
    assert_bilingual(str(err.value), "a reason is required")


def test_schedule_errors_keep_codes(session, settings):
    commune = f.unit(session, "Xã Tân Kim")
    ch = f.channel(session, commune)
    f.pattern(session, ch, "1234567", dt.time(6, 0), 30)
    week = schedules.materialise_week(session, settings, ch.id, Week(2026, 48), "planner")
    schedules.publish_week(session, week.id, "planner")
    with pytest.raises(NotFound) as err:
        schedules.copy_week(session, settings, ch.id, Week(2026, 46), Week(2026, 48), "planner")
    assert err.value.code == "not_found"
    assert_bilingual(str(err.value), "has no schedule for 2026-W46")
    schedules.materialise_week(session, settings, ch.id, Week(2026, 47), "planner")
    with pytest.raises(InvalidState) as err:
        schedules.copy_week(session, settings, ch.id, Week(2026, 47), Week(2026, 48), "planner")
    assert isinstance(err.value, LoaError) and err.value.code == "invalid_state"
    assert_bilingual(str(err.value), "2026-W48 is already published")


def test_cli_failures_are_bilingual(tmp_path, monkeypatch):
    from web.cli import main

    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    result = CliRunner().invoke(main, ["export", "-o", str(tmp_path / "export.txt")])
    assert result.exit_code == 1
    message = result.output.strip().removeprefix("Error: ")
    assert_bilingual(message, "use a .json or .xlsx file name")
