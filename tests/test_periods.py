"""ISO weeks and reporting periods: the Thursday rule, 53-week years, bad strings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.periods import Period, PeriodError, Week, period_of_week, subperiods, weeks_in_year


def test_2026_has_53_weeks():
    assert weeks_in_year(2026) == 53 and weeks_in_year(2025) == 52
    assert len(Period.parse("2026").weeks()) == 53
    assert str(Week.parse("2026-W53")) == "2026-W53"


@pytest.mark.parametrize("text", ["2026-W54", "2025-W53", "2026-W0", "2026-13", "2026-Q5", "x"])
def test_bad_period_strings(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_weeks_straddling_boundaries_follow_thursday():
    # 2026-W53 runs Mon 28/12/2026 .. Sun 3/1/2027; its Thursday is 31/12/2026.
    w = Week(2026, 53)
    assert period_of_week(w, "year").label == "2026"
    assert period_of_week(w, "quarter").label == "2026-Q4"
    # 2026-W05 runs 26/01..01/02; Thursday 29/01 -> January.
    assert period_of_week(Week(2026, 5), "month").label == "2026-01"
    # 2026-W14 runs 30/03..05/04; Thursday 02/04 -> April, Q2, H1.
    w14 = Week(2026, 14)
    assert period_of_week(w14, "quarter").label == "2026-Q2"
    assert Week(2026, 14) in Period.parse("2026-Q2").weeks()
    assert Week(2026, 14) not in Period.parse("2026-Q1").weeks()
    # 2025-W01 starts on Monday 30/12/2024.
    assert Week(2025, 1).monday == dt.date(2024, 12, 30)
    assert period_of_week(Week(2025, 1), "year").label == "2025"


def test_subperiods_split_by_weeks():
    months = subperiods(Period.parse("2026-Q4"), "month")
    assert [m.label for m in months] == ["2026-10", "2026-11", "2026-12"]
    assert sum(len(m.weeks()) for m in months) == len(Period.parse("2026-Q4").weeks())


def test_date_range_period():
    p = Period.parse("2026-01-05..2026-01-18")
    assert [str(w) for w in p.weeks()] == ["2026-W02", "2026-W03"]
    with pytest.raises(PeriodError):
        Period.parse("2026-02-01..2026-01-01")


@given(st.integers(min_value=2000, max_value=2100), st.sampled_from(["month", "quarter", "half"]))
def test_every_week_falls_in_exactly_one_period(year, kind):
    parts = subperiods(Period.parse(str(year)), kind)
    weeks = [w for p in parts for w in p.weeks()]
    assert weeks == Period.parse(str(year)).weeks()
    assert len(set(weeks)) == len(weeks)
