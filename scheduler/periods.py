"""ISO weeks and reporting periods; a week belongs to the periods containing its Thursday."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from scheduler.errors import N_, Invalid

PeriodKind = Literal["week", "month", "quarter", "half", "year", "range"]

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class PeriodError(Invalid):
    """A period or week string that does not name a real period."""

    code = "period"


def weeks_in_year(year: int) -> int:
    """Number of ISO weeks in an ISO year (52 or 53)."""
    return dt.date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class Week:
    """An ISO week, Monday to Sunday in local time."""

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.week <= weeks_in_year(self.year):
            raise PeriodError(
                N_("Week %(week)s does not exist in %(year)s (that year has %(weeks)s ISO weeks)"),
                code="period.week_range",
                week=self.week,
                year=self.year,
                weeks=weeks_in_year(self.year),
            )

    @classmethod
    def parse(cls, text: str) -> Week:
        """Parse '2026-W48'."""
        m = _WEEK.match(text.strip())
        if not m:
            raise PeriodError(
                N_("'%(text)s' is not an ISO week like 2026-W48"), code="period.week", text=text
            )
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Week:
        """The ISO week containing day."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def from_key(cls, key: int) -> Week:
        """Inverse of key."""
        return cls(key // 100, key % 100)

    @property
    def key(self) -> int:
        """Compact sortable key: year * 100 + week."""
        return self.year * 100 + self.week

    @property
    def monday(self) -> dt.date:
        """First day of the week."""
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        """Last day of the week."""
        return dt.date.fromisocalendar(self.year, self.week, 7)

    @property
    def thursday(self) -> dt.date:
        """The day that decides which month, quarter, half and year the week belongs to."""
        return dt.date.fromisocalendar(self.year, self.week, 4)

    def days(self) -> list[dt.date]:
        """The seven days, Monday first."""
        return [self.monday + dt.timedelta(days=i) for i in range(7)]

    def shift(self, weeks: int) -> Week:
        """The week that many weeks later (or earlier if negative)."""
        return Week.of(self.monday + dt.timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class Period:
    """A reporting period: a set of whole ISO weeks plus its calendar dates."""

    kind: PeriodKind
    start: dt.date
    end: dt.date  # inclusive
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026 or 2026-01-01..2026-03-31."""
        t = text.strip()
        if m := _WEEK.match(t):
            w = Week(int(m.group(1)), int(m.group(2)))
            return cls("week", w.monday, w.sunday, str(w))
        if m := _QUARTER.match(t):
            y, q = int(m.group(1)), int(m.group(2))
            return cls._months("quarter", y, 3 * q - 2, 3, f"{y}-Q{q}")
        if m := _HALF.match(t):
            y, h = int(m.group(1)), int(m.group(2))
            return cls._months("half", y, 6 * h - 5, 6, f"{y}-H{h}")
        if m := _MONTH.match(t):
            y, mo = int(m.group(1)), int(m.group(2))
            if not 1 <= mo <= 12:
                raise PeriodError(
                    N_("'%(text)s': the month must be 01 to 12"), code="period.month", text=text
                )
            return cls._months("month", y, mo, 1, f"{y}-{mo:02d}")
        if m := _YEAR.match(t):
            y = int(m.group(1))
            return cls._months("year", y, 1, 12, str(y))
        if m := _RANGE.match(t):
            try:
                a, b = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
            except ValueError as exc:
                raise PeriodError(
                    N_("'%(text)s': not a real date (%(reason)s)"),
                    code="period.date",
                    text=text,
                    reason=str(exc),
                ) from exc
            if b < a:
                raise PeriodError(
                    N_("'%(text)s': the range ends before it starts"),
                    code="period.range",
                    text=text,
                )
            return cls("range", a, b, t)
        raise PeriodError(
            N_(
                "'%(text)s' is not a period: use 2026-W48, 2026-11, 2026-Q4, 2026-H2, 2026"
                " or 2026-01-01..2026-03-31"
            ),
            code="period.syntax",
            text=text,
        )

    @classmethod
    def _months(cls, kind: PeriodKind, year: int, first: int, count: int, label: str) -> Period:
        if not 1900 <= year <= 2200:
            raise PeriodError(
                N_("'%(text)s': the year is out of range (1900 to 2200)"),
                code="period.year",
                text=label,
            )
        start = dt.date(year, first, 1)
        last_month = first + count - 1
        end = (
            dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
        ) - dt.timedelta(days=1)
        return cls(kind, start, end, label)

    def weeks(self) -> list[Week]:
        """The ISO weeks of this period: those whose Thursday falls inside it."""
        if self.kind == "week":
            return [Week.of(self.start)]
        first = Week.of(self.start)
        if first.thursday < self.start:
            first = first.shift(1)
        out: list[Week] = []
        w = first
        while w.thursday <= self.end:
            out.append(w)
            w = w.shift(1)
        return out

    @property
    def week_start(self) -> dt.date:
        """Monday of the first week of the period (its first counted day)."""
        weeks = self.weeks()
        return weeks[0].monday if weeks else self.start

    @property
    def week_end(self) -> dt.date:
        """Sunday of the last week of the period (its last counted day)."""
        weeks = self.weeks()
        return weeks[-1].sunday if weeks else self.end

    def __str__(self) -> str:
        return self.label


def period_of_week(week: Week, kind: str) -> Period:
    """The period of the given kind that the week belongs to (by its Thursday)."""
    th = week.thursday
    if kind == "week":
        return Period.parse(str(week))
    if kind == "month":
        return Period.parse(f"{th.year}-{th.month:02d}")
    if kind == "quarter":
        return Period.parse(f"{th.year}-Q{(th.month - 1) // 3 + 1}")
    if kind == "half":
        return Period.parse(f"{th.year}-H{1 if th.month <= 6 else 2}")
    if kind == "year":
        return Period.parse(str(th.year))
    raise PeriodError(N_("'%(text)s' is not a kind of period"), code="period.kind", text=kind)


def subperiods(period: Period, kind: str) -> list[Period]:
    """Split a period into periods of a smaller kind, by the weeks it contains."""
    seen: dict[str, Period] = {}
    for w in period.weeks():
        p = period_of_week(w, kind)
        seen.setdefault(p.label, p)
    return list(seen.values())


def local_to_utc(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """A local wall-clock time on a day, as an aware UTC datetime (DST-safe: fold=0)."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def local_date_of(instant: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The local calendar date of an aware instant."""
    return instant.astimezone(zone).date()
