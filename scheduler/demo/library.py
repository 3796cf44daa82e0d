"""The demo library over time: a standing stock plus what the media centres produce each week."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.demo.content import (
    EXPIRED,
    GIAM_NGHEO_THEMES,
    MINORITY_FEATURES,
    MINORITY_NAMES,
    MINORITY_THEMES,
    NTM_COLUMN_THEMES,
    NTM_HEADLINES,
    NTM_STORIES,
    PRODUCERS,
    STOCK,
    TOPICAL,
    Spec,
)
from scheduler.periods import Week

APPROVER = "Trần Thị Hoa"


@dataclass(slots=True)
class LibraryItem:
    """A demo programme as the filler needs it (no ORM object)."""

    id: int
    seconds: int
    topics: frozenset[str]
    ptype: str
    language: str
    batch: int | None  # week key of the week it was produced for; None = stock
    valid_from: dt.date | None
    valid_to: dt.date | None
    title: str = ""  # bulletins named for a time of day go into slots at that time

    def valid_in(self, week: Week) -> bool:
        """True when valid on at least one day of the week."""
        return (self.valid_from is None or self.valid_from <= week.sunday) and (
            self.valid_to is None or self.valid_to >= week.monday
        )

    def valid_on(self, day: dt.date) -> bool:
        """True when valid on day."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def in_sentence(name: str) -> str:
    """'Xã Tân Cương' -> 'xã Tân Cương' (unit type in lower case inside a sentence)."""
    head, _, rest = name.partition(" ")
    if head in ("Xã", "Phường", "Thị", "Đặc"):
        return f"{head.lower()} {rest}"
    return name


def weekly_specs(week: Week, index: int, rng: random.Random, communes: list[str]) -> list[Spec]:
    """What the media centres produce for one week: NTM, minority languages, poverty, topical."""
    n, year = week.week, week.year
    place = [rng.choice(communes) if communes else "Xã Tân Cương" for _ in range(3)]
    specs = [
        Spec(
            f"Bản tin Nông thôn mới số {n}/{year}", ("ntm",), "tin", "vi", 5,
            f"Tin xây dựng nông thôn mới tuần {n}: {NTM_HEADLINES[index % len(NTM_HEADLINES)]}; "
            f"kết quả nổi bật của {in_sentence(place[0])}.",
        ),
        Spec(
            f"Chung sức xây dựng nông thôn mới số {n}: "
            f"{NTM_COLUMN_THEMES[index % len(NTM_COLUMN_THEMES)]}",
            ("ntm",), "chuyen_muc", "vi", 15,
            "Chuyên mục hằng tuần của Văn phòng Điều phối nông thôn mới: chính sách, cách làm hay "
            "và ý kiến của người dân.",
        ),
    ]  # fmt: skip
    for k in range(2):
        title, text, extra, ptype, minutes = NTM_STORIES[(2 * index + k) % len(NTM_STORIES)]
        xa = place[k + 1]
        specs.append(
            Spec(
                title.format(Xa=xa, xa=in_sentence(xa)), ("ntm", *extra), ptype, "vi", minutes,
                text.format(Xa=xa, xa=in_sentence(xa)),
            )
        )  # fmt: skip
    for j, (lang, name) in enumerate(MINORITY_NAMES.items()):
        topic, part, text = MINORITY_THEMES[(index + 2 * j) % len(MINORITY_THEMES)]
        specs.append(
            Spec(f"Bản tin tiếng {name} số {n}: {part}", (topic,), "tin", lang, 6,
                 f"Bản tin tiếng {name}: {text}.")
        )  # fmt: skip
        if (index + j) % 2 == 0:
            topics, part, text = MINORITY_FEATURES[(index // 2 + j) % len(MINORITY_FEATURES)]
            specs.append(
                Spec(f"Tiếng {name}: {part}", topics, "pho_bien_kien_thuc", lang, 8,
                     f"Chương trình tiếng {name} về {text}.")
            )  # fmt: skip
    for k, (ptype, minutes) in enumerate((("chuyen_muc", 12), ("pho_bien_kien_thuc", 13))):
        part, text, extra = GIAM_NGHEO_THEMES[(2 * index + k) % len(GIAM_NGHEO_THEMES)]
        specs.append(
            Spec(f"Giảm nghèo về thông tin số {n}: {part}", ("giam_ngheo_thong_tin", *extra),
                 ptype, "vi", minutes, text)
        )  # fmt: skip
    specs += TOPICAL[4 * index : 4 * index + 4]
    return specs


def _seconds(spec: Spec, rng: random.Random) -> int:
    """A real length: a little off the round minutes."""
    seconds = spec.minutes * 60 + rng.choice((0, 0, 15, 30, 45)) - (30 if spec.minutes > 2 else 0)
    return max(60, seconds)


def build_library(
    session: Session,
    rng: random.Random,
    actor: str,
    weeks: list[Week],
    now: dt.datetime,
    zone: dt.tzinfo,
    communes: list[str],
    code_prefix: str,
) -> list[LibraryItem]:
    """Insert the stock, the expired stock and one batch per week; return them for the filler."""
    first = weeks[0]
    long_ago = now - dt.timedelta(days=120)
    # (spec, batch week key, valid_from, valid_to, created_at)
    planned: list[tuple[Spec, int | None, dt.date | None, dt.date | None, dt.datetime]] = []
    for spec in STOCK:
        planned.append((spec, None, None, None, long_ago))
    for spec in EXPIRED:
        start = first.shift(-12).monday
        planned.append((spec, None, start, first.shift(-3).sunday, long_ago))
    for index, week in enumerate(weeks):
        # Produced from Tuesday to Friday of the week before, never after "now".
        for spec in weekly_specs(week, index, rng, communes):
            made = dt.datetime.combine(
                week.monday - dt.timedelta(days=rng.randint(3, 6)),
                dt.time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))),
                tzinfo=zone,
            ).astimezone(dt.UTC)
            made = min(made, now - dt.timedelta(minutes=rng.randint(20, 300)))
            until = None
            if spec.weeks_valid:
                until = week.shift(spec.weeks_valid - 1).sunday
            planned.append((spec, week.key, week.monday, until, made))
    rows: list[dict[str, Any]] = []
    for n, (spec, _batch, since, until, made) in enumerate(planned, 1):
        rows.append(
            {
                "code": f"{code_prefix}P{n:03d}",
                "title": spec.title,
                "programme_type": spec.ptype,
                "language": spec.language,
                "duration_seconds": _seconds(spec, rng),
                "producer": rng.choice(PRODUCERS),
                "priority": "priority" if spec.ptype == "thong_bao" else "normal",
                "description": spec.description,
                "approved_by": APPROVER,
                "approved_at": min(made + dt.timedelta(hours=rng.randint(2, 20)), now),
                "valid_from": since,
                "valid_to": until,
                "created_by": actor,
                "created_at": made,
            }
        )
    stmt = insert(Programme).returning(Programme.id, sort_by_parameter_order=True)
    ids = list(session.scalars(stmt, rows))
    topic_rows = [
        {"programme_id": pid, "topic": t}
        for pid, (spec, *_rest) in zip(ids, planned, strict=True)
        for t in dict.fromkeys(spec.topics)
    ]
    session.execute(insert(ProgrammeTopic), topic_rows)
    return [
        LibraryItem(pid, row["duration_seconds"], frozenset(spec.topics), spec.ptype,
                    spec.language, batch, since, until, spec.title)
        for pid, row, (spec, batch, since, until, _made) in zip(ids, rows, planned, strict=True)
    ]  # fmt: skip
