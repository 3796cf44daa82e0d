"""Build a realistic demo province: stations, slot patterns, a library and weeks of airings."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import Programme, ProgrammeTopic
from scheduler import schedules
from scheduler.areas import find_unit, subtree_ids
from scheduler.config import Settings
from scheduler.demo_content import PRODUCERS, PROGRAMMES
from scheduler.errors import InvalidState, NotFound
from scheduler.models import (
    AdminUnit,
    Airing,
    Channel,
    ChannelLanguage,
    ScheduledItem,
    Slot,
    SlotPattern,
)
from scheduler.periods import Week, local_date_of

DEMO_PREFIX = "DEMO-"
MINORITY = ("tay", "nung", "dao", "hmn")
REASONS = ("mat_dien", "hong_thiet_bi", "phat_tin_khan", "thien_tai", "khong_nhan_duoc_noi_dung")


@dataclass
class DemoSummary:
    """What the demo created."""

    channels: int = 0
    programmes: int = 0
    weeks: int = 0
    items: int = 0
    airings: int = 0
    unconfirmed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.channels} channels, {self.programmes} programmes, {self.weeks} channel-weeks, "
            f"{self.items} scheduled items, {self.airings} airings, "
            f"{self.unconfirmed} past items left unconfirmed"
        )


def demo_present(session: Session) -> bool:
    """True when demo channels exist already."""
    query = select(Channel.id).where(Channel.code.like(f"{DEMO_PREFIX}%")).limit(1)
    return session.scalar(query) is not None


def _library(session: Session, rng: random.Random, actor: str) -> list[Programme]:
    programmes = []
    approved = utcnow() - dt.timedelta(days=90)
    for n, (title, topics, ptype, lang, minutes) in enumerate(PROGRAMMES, 1):
        seconds = minutes * 60 + rng.choice((0, 0, 15, 30, 45)) - (30 if minutes > 2 else 0)
        p = Programme(
            code=f"{DEMO_PREFIX}P{n:03d}",
            title=title,
            programme_type=ptype,
            language=lang,
            duration_seconds=max(60, seconds),
            producer=rng.choice(PRODUCERS),
            priority="priority" if ptype == "thong_bao" else "normal",
            approved_by="Trần Thị Hoa",
            approved_at=approved,
            created_by=actor,
            topic_links=[ProgrammeTopic(topic=t) for t in topics],
        )
        programmes.append(p)
    session.add_all(programmes)
    session.flush()
    return programmes


def _station_name(commune: AdminUnit) -> str:
    """Station name as officials write it: "Đài truyền thanh xã Tân Cương"."""
    kind = (commune.unit_type or "").lower()
    return f"Đài truyền thanh {kind} {commune.name}".replace("  ", " ")


def _channel(
    session: Session,
    code: str,
    name: str,
    kind: str,
    unit: AdminUnit,
    languages: list[str],
    patterns: list[tuple[str, dt.time, int]],
    active_from: dt.date,
) -> Channel:
    ch = Channel(
        code=code,
        name=name,
        kind=kind,
        unit_id=unit.id,
        active_from=active_from,
        language_links=[ChannelLanguage(language=lang) for lang in languages],
        patterns=[
            SlotPattern(weekdays=d, start_time=t, duration_minutes=m, valid_from=active_from)
            for d, t, m in patterns
        ],
    )
    session.add(ch)
    return ch


def _stations(
    session: Session, province: AdminUnit, rng: random.Random, start: dt.date
) -> list[Channel]:
    """Provincial radio and TV, three area radios and stations for ~90% of communes."""
    short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    t = dt.time
    channels = [
        _channel(
            session, f"{DEMO_PREFIX}PT-{province.code}", f"Đài PT-TH {short} – Phát thanh",
            "provincial_radio", province, ["vi", "tay"],
            [("1234567", t(5, 30), 60), ("1234567", t(11, 30), 30), ("1234567", t(18, 0), 60)],
            start,
        ),
        _channel(
            session, f"{DEMO_PREFIX}TH-{province.code}", f"Đài PT-TH {short} – Truyền hình",
            "provincial_tv", province, ["vi"],
            [("1234567", t(19, 45), 30), ("67", t(20, 30), 30)], start,
        ),
    ]  # fmt: skip
    communes = list(
        session.scalars(
            select(AdminUnit)
            .where(AdminUnit.id.in_(subtree_ids(session, province.id)))
            .where(AdminUnit.level == "commune")
            .order_by(AdminUnit.code)
        )
    )
    for hub in rng.sample(communes, min(3, len(communes))):
        channels.append(
            _channel(
                session, f"{DEMO_PREFIX}KV-{hub.code}",
                f"Đài truyền thanh khu vực {hub.name.removeprefix('Xã ').removeprefix('Phường ')}",
                "district_radio", province, ["vi"],
                [("1234567", t(11, 0), 30), ("12345", t(17, 0), 30)], start,
            )
        )  # fmt: skip
    for commune in communes:
        if rng.random() > 0.9:
            continue  # about one commune in ten has no station yet
        languages = ["vi"]
        if rng.random() < 0.2:
            languages.append(rng.choice(MINORITY))
        patterns = [("123456", t(6, 0), 30)]
        if rng.random() < 0.8:
            patterns.append(("12345", t(17, 30), 30))
        opened = start if rng.random() > 0.05 else start + dt.timedelta(weeks=rng.randint(2, 5))
        channels.append(
            _channel(
                session, f"{DEMO_PREFIX}{commune.code}", _station_name(commune),
                "commune_radio", commune, languages, patterns, opened,
            )
        )  # fmt: skip
    session.flush()
    return channels


def _fill(slot_seconds: int, candidates: list[Programme], rng: random.Random) -> list[Programme]:
    """Pick programmes for a slot: something on NTM most days, then what fits."""
    chosen: list[Programme] = []
    free = slot_seconds
    ntm = [p for p in candidates if "ntm" in p.topics]
    if ntm and rng.random() < 0.45:
        first = rng.choice(ntm)
        if first.duration_seconds <= free:
            chosen.append(first)
            free -= first.duration_seconds
    pool = candidates[:]
    rng.shuffle(pool)
    for p in pool:
        if p not in chosen and p.duration_seconds <= free and rng.random() < 0.6:
            chosen.append(p)
            free -= p.duration_seconds
        if free < 180:
            break
    return chosen


def build_demo(
    session: Session,
    settings: Settings,
    province_code: str,
    actor: str = "demo",
    past_weeks: int = 8,
    seed: int = 2026,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Create the demo in the caller's transaction; the province's units must be imported."""
    if demo_present(session):
        raise InvalidState("demo data is already present")
    province = find_unit(session, province_code)
    if province.level != "province":
        raise NotFound(f"unit {province_code} is not a province")
    rng = random.Random(seed)
    now = now or utcnow()
    this_week = Week.of(local_date_of(now, settings.zone))
    first_week = this_week.shift(-past_weeks)
    summary = DemoSummary()
    library = _library(session, rng, actor)
    summary.programmes = len(library)
    channels = _stations(session, province, rng, first_week.monday)
    summary.channels = len(channels)
    for channel in channels:
        langs = set(channel.languages)
        candidates = [p for p in library if p.language in langs]
        reliability = rng.choice((0.97, 0.93, 0.9, 0.85, 0.7))
        rows: list[dict[str, object]] = []
        for offset in range(past_weeks + 2):
            week = first_week.shift(offset)
            schedule = schedules.materialise_week(session, settings, channel.id, week, actor)
            summary.weeks += 1
            placed: list[tuple[Slot, list[Programme]]] = []
            item_rows: list[dict[str, object]] = []
            for slot in schedule.slots:
                chosen = _fill(slot.duration_minutes * 60, candidates, rng)
                item_rows += [
                    {"slot_id": slot.id, "programme_id": p.id, "position": i, "pinned": False,
                     "added_by": actor}
                    for i, p in enumerate(chosen)
                ]  # fmt: skip
                placed.append((slot, chosen))
            ids = iter(_insert_items(session, item_rows))
            summary.items += len(item_rows)
            if week <= this_week:
                schedule.state = "published"
                schedule.published_by = actor
                schedule.published_at = dt.datetime.combine(
                    week.monday - dt.timedelta(days=3), dt.time(9), tzinfo=settings.zone
                )
            session.flush()
            for slot, chosen in placed:
                pairs = [(next(ids), p) for p in chosen]
                if slot.starts_at < now:
                    _airings_for_slot(
                        settings, channel, slot, pairs, reliability, rng, candidates, summary, rows
                    )
        if rows:
            session.execute(insert(Airing), rows)
            summary.airings += len(rows)
        session.flush()
    return summary


def _insert_items(session: Session, rows: list[dict[str, object]]) -> list[int]:
    """Insert scheduled items in one statement; ids come back in the order of rows."""
    if not rows:
        return []
    stmt = insert(ScheduledItem).returning(ScheduledItem.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


def _airings_for_slot(
    settings: Settings,
    channel: Channel,
    slot: Slot,
    pairs: list[tuple[int, Programme]],
    reliability: float,
    rng: random.Random,
    candidates: list[Programme],
    summary: DemoSummary,
    rows: list[dict[str, object]],
) -> None:
    """Confirm a slot's items the way stations really do: mostly aired, some misses."""
    offset = 0
    broadcaster = f"bt.{channel.code.lower()}" if channel.code else "bt"
    power_cut = rng.random() > reliability
    reason = rng.choice(REASONS)
    for item_id, programme in pairs:
        start = slot.starts_at + dt.timedelta(seconds=offset)
        offset += programme.duration_seconds
        r = rng.random()
        if r < 0.06 and not power_cut:
            summary.unconfirmed += 1
            continue  # nobody confirmed it
        if power_cut:
            status, seconds = "not_aired", 0
        elif r < 0.12:
            status = "partial"
            seconds = int(programme.duration_seconds * rng.uniform(0.3, 0.9))
        elif r < 0.13:
            status, seconds = "cancelled", 0
        else:
            status, seconds = "aired", programme.duration_seconds
        local = local_date_of(start, settings.zone)
        rows.append(
            dict(
                channel_id=channel.id,
                scheduled_item_id=item_id,
                programme_id=programme.id,
                status=status,
                started_at=start,
                local_date=local,
                week_key=Week.of(local).key,
                duration_seconds=seconds,
                reason_code=reason if status in ("not_aired", "cancelled") else None,
                reason_text="Mất điện cả thôn" if power_cut and reason == "mat_dien" else None,
                client_ref=None,
                source="demo",
                confirmed_by=broadcaster,
                confirmed_at=start + dt.timedelta(hours=rng.randint(1, 30)),
            )
        )
    if candidates and rng.random() < 0.04:
        extra = rng.choice(candidates)
        start = slot.ends_at + dt.timedelta(minutes=5)
        local = local_date_of(start, settings.zone)
        rows.append(
            dict(
                channel_id=channel.id,
                scheduled_item_id=None,
                programme_id=extra.id,
                status="aired",
                started_at=start,
                local_date=local,
                week_key=Week.of(local).key,
                duration_seconds=extra.duration_seconds,
                reason_code=None,
                reason_text=None,
                client_ref=None,
                source="demo",
                confirmed_by=broadcaster,
                confirmed_at=start + dt.timedelta(hours=2),
            )
        )
